# `make deps`: install what the build and tests need from Debian's packages.
# It does nothing when everything is present; as root it installs what is
# missing; otherwise it prints the apt-get line and fails.
# Fragments add what their own targets need to DEPS_PACKAGES (amd64-only
# ones to DEPS_PACKAGES_AMD64).
DEPS_PACKAGES :=
DEPS_PACKAGES_AMD64 :=
.PHONY: deps
deps:
	@DEPS_PACKAGES="$(DEPS_PACKAGES)" DEPS_PACKAGES_AMD64="$(DEPS_PACKAGES_AMD64)" sh tools/deps.sh
