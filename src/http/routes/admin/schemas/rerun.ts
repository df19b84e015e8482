import { z } from 'zod'
import { Contact, errors, json, strings, textId } from './common.js'
import { Intent } from './events.js'

const description =
  'Only tags (and untags) that no earlier job of the event asked for are enqueued, as new jobs; tags earlier ' +
  'judgements added that the rules now do not are listed in noLongerAdded and never removed. With ' +
  '{"dryRun": true} nothing is stored. With {"replan": true} the event\'s jobs still pending or dead (listed in ' +
  'waiting) are planned again under the rules in force (their create: fields) and made due now, even when the ' +
  'tags are the same: the way back for a dead letter whose rule gained create:. The trail (GET /admin/events/{id}) lists every re-run under reruns.'

const RerunPlan = z.object({
  eventId: z.string(),
  source: z.string(),
  judgedBy: z.string().nullable().describe('the rules version that judged the event first'),
  rulesVersion: z.string().describe('the rules version now in force'),
  dryRun: z.boolean(),
  jobs: z.array(Intent),
  noLongerAdded: z.array(z.object({ location: z.string(), contact: Contact, tags: strings })),
  waiting: z
    .array(
      z.object({
        jobId: z.number().int(),
        status: z.enum(['pending', 'dead']),
        location: z.string(),
        contact: Contact,
        create: z.record(z.string(), z.string()).nullable(),
        changes: z.boolean().describe("the create fields differ from the job's"),
      }),
    )
    .describe('jobs of the event still pending or dead, with the create fields the rules now give'),
  replanned: z.array(z.number().int()).describe('job ids re-planned (replan: true)'),
})

/** POST /admin/events/:id/rerun */
export const rerunEvent = {
  operationId: 'rerunEvent',
  summary: 'Judge a stored event again with the rules in force now and enqueue the difference',
  description,
  params: textId('the event id'),
  body: z
    .strictObject({ dryRun: z.boolean().default(false), replan: z.boolean().default(false) })
    .default({ dryRun: false, replan: false }),
  response: { 200: json(RerunPlan, 'the plan (dry run) or what was enqueued'), ...errors(400, 401, 403, 404) },
}
