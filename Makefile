# The two doors of the README: `make demo` analyses the real sample, `make test` runs the tests.
# Both install what they need first (scripts/install.sh skips what is already there).

FILM ?= ../shared/samples/hamilton/short_hamilton_clip.mp4
CAST ?= ../shared/samples/hamilton/cast

.PHONY: install demo test bench

install:
	bash scripts/install.sh

demo: install
	.venv/bin/wos analyze "$(FILM)" --cast "$(CAST)"

test: install
	bash scripts/mariadb_test_user.sh
	.venv/bin/python -m pytest $(PYTEST_ARGS)

bench: install
	.venv/bin/python bench/analysis_speed.py
