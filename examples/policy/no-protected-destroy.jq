# No protected resource is deleted or replaced.
#
#   jq -e -f examples/policy/no-protected-destroy.jq plan.json
#
# `protect` on each change is the protection in effect: the manifests' setting, or the state's for
# a resource the manifests dropped. assistants-iac already refuses such a plan (PROTECTED_RESOURCE);
# this check holds even for a plan someone edited or made with `protect` turned off on the way.
# Prints one line per resource that breaks the rule, then true (exit 0) or false (exit 1).

def where:
  if .source then "\(.source.file):\(.source.line):\(.source.column): " else "" end;

[ .resource_changes[]
  | select(.protect == true and (.change.actions | index("delete")))
  | (if .change.actions == ["delete"] then "delete" else "replace" end) as $verb
  | "\(where)\(.address) is protected, and the plan would \($verb) it (\(.action_reason))"
] as $violations
| $violations[], ($violations | length == 0)
