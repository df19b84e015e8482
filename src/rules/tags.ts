import { MAX_TAG_LENGTH } from './schema.js'
import { INVISIBLE, codePoints } from './invisible.js'
import { compileTemplate, isTemplate } from './template.js'
import type { RuleEvent, TagTrace } from './types.js'

export interface TagOptions {
  /** HighLevel stores tags lowercased, so tagrelay lowercases them too unless told not to */
  lowercase: boolean
}

export interface TagResult {
  tags: string[]
  skipped: TagTrace[]
  /** rendered tags that lost control or format characters, and which */
  cleaned: TagTrace[]
}

export type CompiledTags = (event: RuleEvent) => TagResult

/** Trimmed, inner whitespace collapsed to one space, control and format characters dropped, lowercased by default. */
export function normaliseTag(tag: string, opts: TagOptions): string {
  const t = tag.replace(/\s+/g, ' ').replace(INVISIBLE, '').trim()
  return opts.lowercase ? t.toLowerCase() : t
}

/**
 * A rule's `tags` or `untag` list. Literal tags are normalised once here; a list with no
 * template returns the same result object every time (no allocation per event).
 */
export function compileTags(list: readonly string[], opts: TagOptions): CompiledTags {
  if (!list.some(isTemplate)) {
    const fixed: TagResult = { tags: [...new Set(list.map((t) => normaliseTag(t, opts)))], skipped: [], cleaned: [] }
    return () => fixed
  }
  type Part = { entry: string; literal: string } | { entry: string; render: ReturnType<typeof compileTemplate> }
  const parts = list.map((entry): Part =>
    isTemplate(entry) ? { entry, render: compileTemplate(entry) } : { entry, literal: normaliseTag(entry, opts) },
  )
  return (event) => {
    const tags: string[] = []
    const skipped: TagTrace[] = []
    const cleaned: TagTrace[] = []
    for (const part of parts) {
      let tag: string
      if ('literal' in part) tag = part.literal
      else {
        const r = part.render(event)
        if ('skipped' in r) {
          skipped.push({ template: part.entry, skipped: r.skipped })
          continue
        }
        tag = normaliseTag(r.tag, opts)
        const removed = r.tag.replace(/\s+/g, ' ').match(INVISIBLE)
        if (removed) cleaned.push({ template: part.entry, tag, cleaned: removedText(removed) })
        if (tag.length > MAX_TAG_LENGTH) {
          skipped.push({
            template: part.entry,
            skipped: `"${tag.slice(0, 30)}…" is longer than ${MAX_TAG_LENGTH} characters`,
          })
          continue
        }
      }
      if (!tags.includes(tag)) tags.push(tag)
    }
    return { tags, skipped, cleaned }
  }
}

function removedText(chars: string[]): string {
  return `removed ${chars.length} control or format character${chars.length === 1 ? '' : 's'} (${codePoints(chars)})`
}
