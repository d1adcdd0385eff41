# Assistants and agents use only allowed models.
#
#   jq -e -f examples/policy/model-allowlist.jq plan.json
#   jq -e -f examples/policy/model-allowlist.jq --argjson models '["gpt-4.1", "gpt-5-mini"]' plan.json
#
# Prints one line per resource that breaks the rule, then true (exit 0) or false (exit 1).
# Resources the plan deletes are not checked: their model no longer matters.

def allowed_models:
  $ARGS.named.models // ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-5", "gpt-5-mini"];

def where:
  if .source then "\(.source.file):\(.source.line):\(.source.column): " else "" end;

allowed_models as $allowed
| [ .resource_changes[]
    | select(.kind == "assistant" or .kind == "agent")
    | select(.change.actions != ["delete"])
    | .change.after.model as $model
    | select($allowed | any(. == $model) | not)
    | "\(where)\(.address) uses model \($model | tojson), which is not allowed (allowed: \($allowed | join(", ")))"
  ] as $violations
| $violations[], ($violations | length == 0)
