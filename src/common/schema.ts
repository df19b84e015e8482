import { z } from 'zod'

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2 }

/** `1048576`, `"512kb"` or `"1mb"` → bytes. */
export const byteSize = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+\s*(b|kb|mb)$/i, 'expected a size such as "512kb" or "1mb"')
    .transform((s) => {
      const [, n, unit] = /^(\d+)\s*(b|kb|mb)$/i.exec(s) as RegExpExecArray
      return Number(n) * (SIZE_UNITS[unit!.toLowerCase()] as number)
    }),
])

export const secret = z.string().min(1, 'must not be empty')

/** One secret or a list of them: a list lets a new secret go live before the old one is removed. */
export const secretList = z.union([secret, z.array(secret).min(1)]).transform((t) => (Array.isArray(t) ? t : [t]))
