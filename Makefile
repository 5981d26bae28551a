# Vendored front-end libraries (see static/VENDOR.md). Bump a version here and
# run `make vendor` to refresh static/; commit the resulting files.
HTMX_VERSION    := 2.0.11
CHARTJS_VERSION := 4.6.1
PICO_VERSION    := 2.1.1

NPM ?= npm

.DEFAULT_GOAL := build

.PHONY: build run test bench
build: ## Build both processes into bin/
	go build -o bin/app ./app
	go build -o bin/worker ./worker

run: ## Run the product on its embedded default
	go run ./app

test: ## The README's test command
	go test -count=1 -timeout 30m ./...

bench: ## Benchmarks (not timed tests): see README
	go test -run '^$$' -bench . -benchmem ./app/...

.PHONY: vendor
vendor: ## Re-download the pinned htmx, Chart.js and Pico CSS builds from npm into static/
	@set -eu; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT INT TERM; \
	echo "npm pack htmx.org@$(HTMX_VERSION) chart.js@$(CHARTJS_VERSION) @picocss/pico@$(PICO_VERSION)"; \
	$(NPM) pack --loglevel=error --ignore-scripts --pack-destination "$$tmp" \
		"htmx.org@$(HTMX_VERSION)" \
		"chart.js@$(CHARTJS_VERSION)" \
		"@picocss/pico@$(PICO_VERSION)" >/dev/null; \
	htmx="$$tmp/htmx.org-$(HTMX_VERSION).tgz"; \
	chart="$$tmp/chart.js-$(CHARTJS_VERSION).tgz"; \
	pico="$$tmp/picocss-pico-$(PICO_VERSION).tgz"; \
	mkdir -p "$$tmp/out/js" "$$tmp/out/css" "$$tmp/out/licenses"; \
	tar -xzOf "$$htmx"  package/dist/htmx.min.js        > "$$tmp/out/js/htmx.min.js"; \
	tar -xzOf "$$chart" package/dist/chart.umd.min.js   > "$$tmp/out/js/chart.umd.min.js"; \
	tar -xzOf "$$pico"  package/css/pico.min.css        > "$$tmp/out/css/pico.min.css"; \
	tar -xzOf "$$htmx"  package/LICENSE                 > "$$tmp/out/licenses/htmx.LICENSE"; \
	tar -xzOf "$$chart" package/LICENSE.md              > "$$tmp/out/licenses/chart.js.LICENSE.md"; \
	tar -xzOf "$$pico"  package/LICENSE.md              > "$$tmp/out/licenses/pico.LICENSE.md"; \
	for f in js/htmx.min.js js/chart.umd.min.js css/pico.min.css; do \
		test -s "$$tmp/out/$$f" || { echo "vendor: $$f is empty" >&2; exit 1; }; \
	done; \
	mkdir -p static/js static/css static/licenses; \
	cp "$$tmp/out/js/htmx.min.js" "$$tmp/out/js/chart.umd.min.js" static/js/; \
	cp "$$tmp/out/css/pico.min.css" static/css/; \
	cp "$$tmp/out/licenses/"* static/licenses/; \
	sha256sum static/js/htmx.min.js static/js/chart.umd.min.js static/css/pico.min.css
