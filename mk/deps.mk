# `make deps`: install what the build and tests need from Debian's packages.
# It does nothing when everything is present; as root it installs what is
# missing; otherwise it prints the apt-get line and fails.
.PHONY: deps
deps:
	@sh tools/deps.sh
