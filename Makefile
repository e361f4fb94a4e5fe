# Two commands do everything on a fresh machine (Pythons 3.13, 3.12 and 3.11, on PATH or installed by pyenv, and
# access to a package index required):
#   make demo    set up, start the local LiteLLM-compatible test server, run examples/demo.yml, stop it
#   make test    set up and run the whole test suite (every tier; .ci/run runs this)
# Set-up (scripts/bootstrap.sh) is automatic and a quick no-op once done. Every environment installs a lock file of
# locks/ by hash; `make lock` refreshes them after a change of a locks/*.in file (UPGRADE=1: newest versions).

SHELL := /bin/bash
TIERS ?=
UPGRADE ?=

.PHONY: help demo test bootstrap lock fresh-machine tiers unit sanity integration molecule real-proxy contract reliability ecosystem clean distclean

help:
	@echo "make demo            run the main job against a local test server (examples/demo.yml)"
	@echo "make test            run every test tier; make test TIERS='unit sanity' for some"
	@echo "make <tier>          one tier: unit sanity integration molecule real-proxy contract reliability ecosystem"
	@echo "make bootstrap       only set up (.venv, .venv-ansible-2.20, .venv-ansible-2.19, ansible-test's get-pip cache)"
	@echo "make lock            refresh the hash locks (locks/*.txt) whose input (locks/*.in) changed; UPGRADE=1: all, newest"
	@echo "make fresh-machine   run .ci/run from a new clone with an empty home, as on a new machine (scripts/fresh-machine.sh)"
	@echo "make clean           remove .build/ (synced tree, logs)"
	@echo "make distclean       also remove the virtual environments"

demo:
	scripts/demo.sh

test:
	scripts/test.sh $(TIERS)

bootstrap:
	scripts/bootstrap.sh

lock:
	scripts/lock.sh $(if $(UPGRADE),--upgrade)

fresh-machine:
	scripts/fresh-machine.sh --runs 2

tiers:
	@scripts/test.sh --list

unit sanity integration molecule real-proxy contract reliability ecosystem:
	scripts/test.sh $@

clean:
	rm -rf .build

distclean: clean
	rm -rf .venv .venv-ansible-* .venv-ecosystem .venv-locks
