# The checks of the *.jq files beside this one, for conftest (Rego v1 syntax):
#
#   assistants plan --json > plan.json
#   conftest test --policy examples/policy plan.json
#
# Override the allowed models with data, e.g. a data.json of {"allowed_models": ["gpt-4.1"]}
# given to conftest with --data.
package main

import rego.v1

default_models := {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-5", "gpt-5-mini"}

allowed_models := {m | some m in data.allowed_models} if {
	data.allowed_models
} else := default_models

# Where the manifests declare a resource, as FILE:LINE:COL: , or nothing for one only the state holds.
where(change) := sprintf("%s:%d:%d: ", [change.source.file, change.source.line, change.source.column]) if {
	change.source != null
} else := ""

deny contains msg if {
	some change in input.resource_changes
	change.kind in {"assistant", "agent"}
	change.change.actions != ["delete"]
	not change.change.after.model in allowed_models
	msg := sprintf("%s%s uses model %q, which is not allowed", [where(change), change.address, change.change.after.model])
}

deny contains msg if {
	some change in input.resource_changes
	change.protect == true
	"delete" in change.change.actions
	msg := sprintf("%s%s is protected, and the plan would delete or replace it (%s)", [where(change), change.address, change.action_reason])
}

deny contains msg if {
	some change in input.resource_changes
	change.kind == "vector_store"
	change.change.actions != ["delete"]
	change.change.after.expires_after == null
	msg := sprintf("%s%s has no expires_after: set one", [where(change), change.address])
}
