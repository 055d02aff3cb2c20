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

.PHONY: test demo lint format install clean

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

test: $(STAMP)
	$(PY) tools/run_tests.py $(BACKENDS) -- $(PYTEST_ARGS)

demo: $(DEMO_STAMP)
	.venv/bin/lamina demo mnist --out demo_output

lint: $(STAMP)
	.venv/bin/ruff check src tests bench examples tools
	.venv/bin/ruff format --check src tests bench examples tools

format: $(STAMP)
	.venv/bin/ruff format src tests bench examples tools
	.venv/bin/ruff check --fix src tests bench examples tools

clean:
	rm -rf .venv demo_output
