#!/usr/bin/env bash
# Starts the MariaDB server if it is down and creates the user the tests connect as over TCP
# (root may only log in by socket). The tests create and drop databases named wos_test_*.
set -euo pipefail

if ! mariadb-admin ping --silent >/dev/null 2>&1; then
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
    for _ in $(seq 30); do mariadb-admin ping --silent >/dev/null 2>&1 && break; sleep 1; done
fi

mariadb -uroot <<'SQL'
CREATE USER IF NOT EXISTS 'wos'@'127.0.0.1' IDENTIFIED BY 'wos';
CREATE USER IF NOT EXISTS 'wos'@'localhost' IDENTIFIED BY 'wos';
GRANT ALL PRIVILEGES ON `wos\_test%`.* TO 'wos'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `wos\_test%`.* TO 'wos'@'localhost';
FLUSH PRIVILEGES;
SQL
echo "MariaDB ready: mysql+pymysql://wos:wos@127.0.0.1:3306/wos_test_..."
