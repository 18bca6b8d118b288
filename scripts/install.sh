#!/usr/bin/env bash
# Installs everything who-is-on-screen needs on one Debian machine with no cluster:
# system packages, a virtual environment at .venv, the face models, and a MariaDB user
# for the tests. Safe to run again: each step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

system_packages=(ffmpeg chromium chromium-driver libmariadb-java)

install_system_packages() {
    local missing=()
    for package in "${system_packages[@]}"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return
    echo "installing system packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_python_environment() {
    [ -x .venv/bin/python ] || python3 -m venv .venv
    # This machine's pip configuration names local package folders that may not exist;
    # pip warns about each on every package, which buries any real problem.
    .venv/bin/pip install -q --disable-pip-version-check -c requirements.lock \
        -e '.[operator,scraper,test]' 2>&1 | { grep -v "is ignored: it is neither" || true; }
}

fetch_face_models() {
    .venv/bin/python scripts/fetch_models.py
}

install_system_packages
install_python_environment
fetch_face_models
echo "installed: run .venv/bin/wos --help"
