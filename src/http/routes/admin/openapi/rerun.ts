import { errors, idParam, json, type Json } from './common.js'

const contact: Json = {
  type: 'object',
  properties: { id: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' } },
}
const tags: Json = { type: 'array', items: { type: 'string' } }

/** POST /admin/events/{id}/rerun, merged into the document's paths. */
export const rerunPaths: Record<string, Json> = {
  '/admin/events/{id}/rerun': {
    post: {
      operationId: 'rerunEvent',
      summary: 'Judge a stored event again with the rules in force now and enqueue the difference',
      description:
        'Only tags (and untags) that no earlier job of the event asked for are enqueued, as new jobs; tags earlier ' +
        'judgements added that the rules now do not are listed in noLongerAdded and never removed. With ' +
        '{"dryRun": true} nothing is stored. With {"replan": true} the event\'s jobs still pending or dead (listed in ' +
        'waiting) are planned again under the rules in force (their create: fields) and made due now, even when the ' +
        'tags are the same: the way back for a dead letter whose rule gained create:. The trail (GET /admin/events/{id}) lists every re-run under reruns.',
      parameters: [idParam('the event id')],
      requestBody: {
        required: false,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              additionalProperties: false,
              properties: { dryRun: { type: 'boolean' }, replan: { type: 'boolean' } },
            },
          },
        },
      },
      responses: {
        200: json(
          {
            type: 'object',
            required: [
              'eventId',
              'source',
              'judgedBy',
              'rulesVersion',
              'dryRun',
              'jobs',
              'noLongerAdded',
              'waiting',
              'replanned',
            ],
            properties: {
              eventId: { type: 'string' },
              source: { type: 'string' },
              judgedBy: { type: ['string', 'null'], description: 'the rules version that judged the event first' },
              rulesVersion: { type: 'string', description: 'the rules version now in force' },
              dryRun: { type: 'boolean' },
              jobs: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['location', 'contact', 'add', 'remove', 'rules'],
                  properties: { location: { type: 'string' }, contact, add: tags, remove: tags, rules: tags },
                },
              },
              noLongerAdded: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['location', 'contact', 'tags'],
                  properties: { location: { type: 'string' }, contact, tags },
                },
              },
              waiting: {
                type: 'array',
                description: 'jobs of the event still pending or dead, with the create fields the rules now give',
                items: {
                  type: 'object',
                  required: ['jobId', 'status', 'location', 'contact', 'create', 'changes'],
                  properties: {
                    jobId: { type: 'integer' },
                    status: { type: 'string', enum: ['pending', 'dead'] },
                    location: { type: 'string' },
                    contact,
                    create: { type: ['object', 'null'], additionalProperties: { type: 'string' } },
                    changes: { type: 'boolean', description: "the create fields differ from the job's" },
                  },
                },
              },
              replanned: {
                type: 'array',
                items: { type: 'integer' },
                description: 'job ids re-planned (replan: true)',
              },
            },
          },
          'the plan (dry run) or what was enqueued',
        ),
        ...errors(400, 401, 404),
      },
    },
  },
}
