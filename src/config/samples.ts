import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { compileField, templatePaths, type Condition, type Rule } from '../rules/index.js'
import type { Config } from './schema.js'

/**
 * Warnings for `tagrelay check`: each rule's body paths (conditions, contact, and the
 * placeholders of its `tags`/`untag` templates) tried on its
 * source's `sample` payload. A path that finds nothing there is reported, because a typo
 * such as `answers[ref=interest]` for `answers[field.ref=interest]` passes every other
 * check and silently never matches. Header, query and `$` paths are left alone: a sample
 * is a body. Warnings, not errors: a rule may well target fields only some events carry.
 */
export function sampleWarnings(config: Config, baseDir: string): string[] {
  const warnings: string[] = []
  for (const [name, source] of Object.entries(config.sources)) {
    if (source.sample === undefined) continue
    const file = resolve(baseDir, source.sample)
    let body: unknown
    try {
      body = JSON.parse(readFileSync(file, 'utf8'))
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message
      warnings.push(`sources.${name}.sample: cannot read ${source.sample} as JSON (${why})`)
      continue
    }
    for (const rule of config.rules) {
      if (rule.source !== name) continue
      const defaulted = new Set<string>()
      const paths = rulePaths(rule)
      for (const entry of [...(rule.tags ?? []), ...(rule.untag ?? [])])
        for (const slot of templatePaths(entry)) {
          paths.push(slot.path)
          if (slot.hasDefault) defaulted.add(slot.path)
        }
      for (const path of new Set(paths)) {
        if (path.startsWith('$')) continue
        const field = compileField(path)
        const found = field.read({ source: name, body })
        const none = field.multi ? (found as unknown[]).every((v) => v === undefined) : found === undefined
        if (none)
          warnings.push(
            `rule "${rule.name}": "${path}" finds nothing in ${source.sample} (sample of ${name})${
              defaulted.has(path) ? ': its tag template falls back to its default' : ''
            }`,
          )
      }
    }
  }
  return warnings
}

function rulePaths(rule: Rule): string[] {
  const paths: string[] = []
  if (rule.when) conditionPaths(rule.when, paths)
  const { id, email, phone, create } = rule.contact ?? {}
  for (const p of [id, email, phone, ...Object.values(create ?? {})]) if (p !== undefined) paths.push(p)
  return paths
}

function conditionPaths(c: Condition, out: string[]): void {
  if ('all' in c) for (const x of c.all) conditionPaths(x, out)
  else if ('any' in c) for (const x of c.any) conditionPaths(x, out)
  else if ('not' in c) conditionPaths(c.not, out)
  // a path meant to be absent (`exists: false`, `empty: true`) is no mistake when it finds nothing
  else if (c.exists !== false && c.empty !== true) out.push(c.field)
}
