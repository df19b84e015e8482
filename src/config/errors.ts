import { codes, TagrelayError } from '../errors.js'

/** A config that cannot be used. `problems` lists every one, each as `key.path: reason`. */
export class ConfigError extends TagrelayError {
  readonly problems: string[]

  constructor(file: string, problems: string[]) {
    super(codes.TAGRELAY_CONFIG_INVALID, `invalid config ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.problems = problems
  }
}
