# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark

.PHONY: demo test lint install clean chromium java

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	@# The knowledge index, built once into the user's cache: a first answer in any folder
	@# copies it instead of waiting for a build (docs/RETRIEVAL.md).
	@tmp=$$(mktemp -d) && $(BIN)/segment kb build --workspace $$tmp >/dev/null 2>&1; rm -rf $$tmp
	touch $(STAMP)

# pyspark (450 MB) for the tests only: the demo does not need it.
$(SPARK_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev,spark]"
	touch $(SPARK_STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/segment demo

test: $(SPARK_STAMP) chromium java
	$(BIN)/python -m pytest -n 2

# The report test opens the HTML report in headless Chromium (Debian's package). Installed
# when missing and we are root; otherwise that test is skipped and says why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) \
		|| echo "chromium not installed: the browser test of the report will be skipped"; }

# The Spark tests run segment SQL on a local Spark session, which needs Java 17+ (Debian's
# default JRE). Installed when missing and we are root; otherwise those tests are skipped.
java:
	@command -v java >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless) \
		|| echo "java not installed: the Spark tests will be skipped"; }

lint: $(STAMP)
	$(BIN)/ruff check assistant tools tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
