# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PY      := .venv/bin/python
PIP     := $(PY) -m pip
STAMP   := .venv/.installed
DEMO_STAMP := .venv/.installed-demo
BACKENDS ?= numpy jax torch tensorflow
# The offline data mirror beside the checkout, used when LAMINA_DATA_DIR is unset.
SHARED_DATA := $(abspath ../shared/data)
export LAMINA_DATA_DIR ?= $(if $(wildcard $(SHARED_DATA)/mnist.npz),$(SHARED_DATA),)
export TF_CPP_MIN_LOG_LEVEL ?= 3
PYTEST_ARGS ?=

.PHONY: test demo lint format install clean browser docs

$(PY):
	python3 -m venv .venv
	$(PIP) install -q --upgrade pip

$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PIP) install -q -c constraints.txt -e '.[all,dev]'
	touch $(STAMP)

# The demo needs only the default backend (torch) and the plotting libraries.
$(DEMO_STAMP): $(PY) pyproject.toml constraints.txt
	$(PIP) install -q -c constraints.txt -e '.[torch,demo]'
	touch $(DEMO_STAMP)

install: $(STAMP)

# The browser test drives Debian's Chromium through chromedriver. CI runs as root on Debian,
# so they are installed here when missing; elsewhere that test is skipped with a reason.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium and chromium-driver (Debian packages) for the browser test"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium chromium-driver >/dev/null) \
	      || echo "could not install chromium: the browser test will be skipped"; \
	  else \
	    echo "chromium/chromedriver missing and not root: the browser test will be skipped"; \
	  fi; \
	fi

test: $(STAMP) browser
	$(PY) tools/run_tests.py $(BACKENDS) -- $(PYTEST_ARGS)

# The documentation site (docs/, mkdocs.yml) into site/; fails on warnings and broken links.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict -d site

demo: $(DEMO_STAMP)
	.venv/bin/lamina demo mnist --out demo_output

lint: $(STAMP)
	.venv/bin/ruff check src tests bench examples tools
	.venv/bin/ruff format --check src tests bench examples tools

format: $(STAMP)
	.venv/bin/ruff format src tests bench examples tools
	.venv/bin/ruff check --fix src tests bench examples tools

clean:
	rm -rf .venv demo_output site
