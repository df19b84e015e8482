import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ruleSchema, type Rule } from '../rules/index.js'
import { interpolate, placeholder, type InterpolationProblem } from './interpolate.js'
import { issueProblems } from './issues.js'
import { formatProblem, YamlFile } from './positions.js'

/** One rule as written, where it was written, and its parsed form when it is valid. */
export interface RuleEntry {
  raw: unknown
  path: PropertyKey[]
  where: YamlFile | undefined
  rule?: Rule
}

export interface RuleFilesResult {
  entries: RuleEntry[]
  problems: string[]
  /** every file read, absolute (what a reload watches) */
  files: string[]
}

/** The files `rulesFrom` names: files as given, folders as their *.yaml / *.yml files sorted by name. */
export function ruleFilePaths(rulesFrom: readonly string[], baseDir: string): { files: string[]; problems: string[] } {
  const files: string[] = []
  const problems: string[] = []
  rulesFrom.forEach((entry, i) => {
    const abs = resolve(baseDir, entry)
    try {
      if (statSync(abs).isDirectory()) {
        const inside = readdirSync(abs)
          .filter((f) => /\.ya?ml$/i.test(f))
          .sort()
        files.push(...inside.map((f) => join(abs, f)))
      } else files.push(abs)
    } catch (err) {
      problems.push(`rulesFrom.${i}: cannot read ${abs}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
    }
  })
  return { files, problems }
}

/**
 * Reads every rules file. A file holds a list of rules, or a mapping with a `rules:` list.
 * Each rule is validated on its own so that every mistake in every file is reported.
 */
export function loadRuleFiles(
  rulesFrom: readonly string[],
  baseDir: string,
  env: NodeJS.ProcessEnv,
  allowMissingEnv: boolean,
): RuleFilesResult {
  const { files, problems } = ruleFilePaths(rulesFrom, baseDir)
  const entries: RuleEntry[] = []
  for (const file of files) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      problems.push(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
      continue
    }
    const yaml = new YamlFile(file, text)
    if (yaml.doc.errors.length > 0) {
      problems.push(...yaml.syntaxProblems())
      continue
    }
    const found: InterpolationProblem[] = []
    const data = interpolate(yaml.doc.toJS() ?? [], env, found, [], placeholder)
    for (const m of found)
      if (m.kind === 'malformed' || !allowMissingEnv)
        problems.push(formatProblem({ path: m.path.split('.'), message: m.message }, yaml))
    const isMapping = data !== null && typeof data === 'object' && !Array.isArray(data)
    const list = isMapping ? (data as Record<string, unknown>).rules : data
    const base: PropertyKey[] = isMapping ? ['rules'] : []
    if (!Array.isArray(list)) {
      problems.push(
        formatProblem(
          { path: base, message: 'a rules file holds a list of rules (or a mapping with a rules: list)' },
          yaml,
        ),
      )
      continue
    }
    if (isMapping) {
      const extra = Object.keys(data as object).filter((k) => k !== 'rules')
      if (extra.length > 0)
        problems.push(
          formatProblem({ path: [], message: `unknown key(s) ${extra.map((k) => `"${k}"`).join(', ')}` }, yaml),
        )
    }
    list.forEach((raw: unknown, i) => {
      const path = [...base, i]
      const parsed = ruleSchema.safeParse(raw)
      const entry: RuleEntry = { raw, path, where: yaml }
      if (parsed.success) entry.rule = parsed.data
      else
        problems.push(
          ...issueProblems(parsed.error.issues, path, { schema: ruleSchema, input: raw }).map((p) =>
            formatProblem(p, yaml, ruleName(raw)),
          ),
        )
      entries.push(entry)
    })
  }
  return { entries, problems, files }
}

export function ruleName(raw: unknown): string | undefined {
  const name = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).name : undefined
  return typeof name === 'string' ? name : undefined
}
