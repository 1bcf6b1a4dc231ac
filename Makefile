# sam build's makefile method (template.yaml: Metadata: BuildMethod: makefile, CodeUri: .).
# sam build runs `make --makefile <this file> build-<LogicalId>` once per function, each in a
# make process of its own (at the same time under --parallel), with ARTIFACTS_DIR naming the
# folder that becomes the function's code. Lambda's Java runtime puts /var/task/lib/*.jar on
# the classpath, so each target puts its function's shaded jar, the one Maven builds and
# bin/invoke, bin/local-api and the tests run, in $(ARTIFACTS_DIR)/lib.
#
# Maven runs once for all functions: the first target to take the lock builds every jar and
# stamps the build; the others then find the stamp newer than every source and only copy.
# The project is this file's folder, not the working directory: without --build-in-source SAM
# runs make in a scratch copy of the sources, one per function, and a build there would run
# Maven once per function.
#
# MAVEN_FLAGS adds options to the Maven call (the tests pass an offline local repository).

PROJECT_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
MVN ?= mvn
MAVEN_FLAGS ?=

FUNCTION_MODULES := $(notdir $(patsubst %/pom.xml,%,$(wildcard $(PROJECT_DIR)/functions/*/pom.xml)))
FUNCTION_JARS := $(foreach module,$(FUNCTION_MODULES),$(PROJECT_DIR)/functions/$(module)/target/$(module).jar)
BUILD_STAMP := $(PROJECT_DIR)/target/sam-build.stamp
BUILD_LOCK := $(PROJECT_DIR)/target/sam-build.lock
SOURCES := $(shell find "$(PROJECT_DIR)" \( -name target -o -name .aws-sam -o -name .git \) -prune \
	-o \( -name pom.xml -o -path '*/src/main/*' \) -type f -print)
comma := ,
empty :=
space := $(empty) $(empty)

FUNCTION_TARGETS := build-CreateDatamartFunction build-UpdateDatamartFunction build-DeleteDatamartFunction \
	build-ReadDatamartsFunction build-ProvisionDatamartsFunction build-ForwardProvisioningEventsFunction \
	build-PublishDatamartChangesFunction

build-CreateDatamartFunction: FUNCTION_MODULE = create-datamart
build-UpdateDatamartFunction: FUNCTION_MODULE = update-datamart
build-DeleteDatamartFunction: FUNCTION_MODULE = delete-datamart
build-ReadDatamartsFunction: FUNCTION_MODULE = read-datamarts
build-ProvisionDatamartsFunction: FUNCTION_MODULE = provision-datamarts
build-ForwardProvisioningEventsFunction: FUNCTION_MODULE = forward-provisioning-events
build-PublishDatamartChangesFunction: FUNCTION_MODULE = publish-datamart-changes

.PHONY: $(FUNCTION_TARGETS) function-jars FORCE

$(FUNCTION_TARGETS): function-jars
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set: sam build sets it" >&2; exit 2; }
	rm -rf "$(ARTIFACTS_DIR)/lib"
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp "$(PROJECT_DIR)/functions/$(FUNCTION_MODULE)/target/$(FUNCTION_MODULE).jar" "$(ARTIFACTS_DIR)/lib/"

# mkdir is atomic, so one make holds the lock; the rest wait, then look at the stamp again in
# a make of their own. A lock whose holder is gone was left by a build killed outright (the
# trap removes it otherwise): say so rather than take it, since two waiters could both take it.
function-jars:
	@mkdir -p "$(PROJECT_DIR)/target"
	@until mkdir "$(BUILD_LOCK)" 2>/dev/null; do \
	  holder="$$(cat "$(BUILD_LOCK)/pid" 2>/dev/null)"; \
	  if [ -n "$$holder" ] && ! kill -0 "$$holder" 2>/dev/null; then \
	    echo "$(BUILD_LOCK) was left by a build that was stopped (pid $$holder): remove it" >&2; exit 1; \
	  fi; \
	  sleep 1; \
	done; \
	trap 'rm -rf "$(BUILD_LOCK)"' EXIT INT TERM; \
	echo $$$$ > "$(BUILD_LOCK)/pid"; \
	$(MAKE) --no-print-directory --makefile "$(PROJECT_DIR)/Makefile" "$(BUILD_STAMP)"

# A jar gone (a module cleaned on its own) makes the stamp stale whatever its age.
$(BUILD_STAMP): $(SOURCES) $(if $(filter-out $(wildcard $(FUNCTION_JARS)),$(FUNCTION_JARS)),FORCE)
	@echo "Building the functions' jars: mvn package -DskipTests" >&2
	cd "$(PROJECT_DIR)" && $(MVN) -B -q -Dstyle.color=never -DskipTests $(MAVEN_FLAGS) package \
	  -pl $(subst $(space),$(comma),$(addprefix functions/,$(FUNCTION_MODULES))) -am >&2
	touch "$@"

FORCE:
