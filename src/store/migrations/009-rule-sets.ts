import { migration, t } from './migration.js'

export default migration(9, 'rule_sets')`
      -- Every rule set that judged an event, by its version (the hash of its text). An
      -- event stores only its rules version and the rules that matched; its full explain
      -- trace is recomputed from the stored request and the rule set, when asked for.
      CREATE TABLE rule_sets (
        version    TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        created_at ${t.int} NOT NULL
      )${t.strict};
`
