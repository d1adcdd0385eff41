# Every vector store has an expiry, so that a store nobody uses stops costing money.
#
#   jq -e -f examples/policy/store-expiry.jq plan.json
#
# Prints one line per store that breaks the rule, then true (exit 0) or false (exit 1).
# Stores the plan deletes are not checked.

def where:
  if .source then "\(.source.file):\(.source.line):\(.source.column): " else "" end;

[ .resource_changes[]
  | select(.kind == "vector_store" and .change.actions != ["delete"])
  | select(.change.after.expires_after == null)
  | "\(where)\(.address) has no expires_after: set one (for example { anchor: last_active_at, days: 30 })"
] as $violations
| $violations[], ($violations | length == 0)
