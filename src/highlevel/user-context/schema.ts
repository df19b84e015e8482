import { z } from 'zod'
import { SsoContextInvalidError } from './errors.js'

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a HighLevel id: letters, digits, _ and -, at most 64')

/**
 * The decrypted user context, with the names HighLevel sends. Fields not listed are
 * dropped, not refused, so that a field HighLevel adds later does not lock everyone out;
 * a listed field of the wrong type or value is refused.
 */
export const userContextSchema = z.object({
  userId: id,
  companyId: id,
  /** `admin` may change things (replay, re-run); `user` is read-only */
  role: z.enum(['admin', 'user']),
  /** `agency`: a user of the agency; `account`: a user of a sub-account */
  type: z.enum(['agency', 'account']),
  /** the sub-account the user is in; absent in the agency view */
  activeLocation: id.optional(),
  userName: z.string().max(200),
  email: z.string().max(320),
  isAgencyOwner: z.boolean().optional(),
})

export type UserContext = z.output<typeof userContextSchema>

/** The plaintext as a user context, or SsoContextInvalidError naming what is wrong (never the values). */
export function parseUserContext(plaintext: string): UserContext {
  let json: unknown
  try {
    json = JSON.parse(plaintext)
  } catch {
    throw new SsoContextInvalidError('not JSON')
  }
  const parsed = userContextSchema.safeParse(json)
  if (!parsed.success)
    throw new SsoContextInvalidError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    )
  return parsed.data
}
