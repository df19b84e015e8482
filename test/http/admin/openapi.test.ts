import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import t from 'tap'
import { ADMIN_TOKEN, build } from '../../helpers/build.js'
import { routeTable } from '../../helpers/routes.js'

type Json = Record<string, unknown>
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']

/** Every `$ref` in the document, with where it is. */
function refs(node: unknown, at = '#'): Array<[string, string]> {
  if (node === null || typeof node !== 'object') return []
  return Object.entries(node as Json).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' ? [[at, v] as [string, string]] : refs(v, `${at}/${k}`),
  )
}

function resolve(doc: Json, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc)
}

t.test('/admin/openapi.json needs the admin token', async (t) => {
  const { app } = await build(t, { extra: { admin: { token: ADMIN_TOKEN } } })
  t.equal((await app.inject({ url: '/admin/openapi.json' })).statusCode, 401)
  t.equal(
    (await app.inject({ url: '/admin/openapi.json', headers: { authorization: 'Bearer nope-nope-nope-nope' } }))
      .statusCode,
    401,
  )
  t.equal((await app.inject({ url: '/admin/openapi.json', headers: auth })).statusCode, 200)
})

t.test('the document is valid OpenAPI 3.1 and every route it lists is served', async (t) => {
  const { app } = await build(t, { extra: { admin: { token: ADMIN_TOKEN } } })
  const doc = (await app.inject({ url: '/admin/openapi.json', headers: auth })).json<Json>()
  t.match(doc, { openapi: /^3\.1\.\d+$/, info: { title: String, version: String }, paths: Object })

  // OpenAPI 3.1 schemas are JSON Schema 2020-12: each must compile
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  ajv.addSchema({ $id: 'doc', components: doc.components as Json }, 'doc')
  for (const name of Object.keys((doc.components as { schemas: Json }).schemas)) {
    t.doesNotThrow(() => ajv.compile({ $ref: `doc#/components/schemas/${name}` }), `schema ${name} compiles`)
  }
  for (const [at, ref] of refs(doc))
    t.ok(ref.startsWith('#/') && resolve(doc, ref) !== undefined, `${at}: ${ref} resolves`)

  const ids = new Set<string>()
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    t.ok(path.startsWith('/admin/'), `${path} is under /admin`)
    for (const [method, op] of Object.entries(item)) {
      t.ok(METHODS.includes(method), `${path}: ${method} is an HTTP method`)
      const operation = op as { operationId: string; responses: Json; parameters?: Array<{ name: string; in: string }> }
      t.ok(operation.operationId && !ids.has(operation.operationId), `${method} ${path}: unique operationId`)
      ids.add(operation.operationId)
      t.ok(Object.keys(operation.responses).length > 0, `${method} ${path}: has responses`)
      // generated from the route's response schema: the success answer is described, with its shape
      const success = Object.entries(operation.responses as Record<string, { content?: Json }>).filter(([code]) =>
        code.startsWith('2'),
      )
      t.equal(success.length, 1, `${method} ${path}: one success answer`)
      for (const [code, answer] of success)
        t.ok(code === '204' || answer.content?.['application/json'], `${method} ${path}: its ${code} has a schema`)
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
        t.ok(
          operation.parameters?.some((p) => p.in === 'path' && p.name === name),
          `${method} ${path}: path parameter ${name} is declared`,
        )
      }
      const url = path.replace(/\{(\w+)\}/g, ':$1')
      const served = app.hasRoute({ method: method.toUpperCase() as 'GET', url })
      t.ok(served, `${method.toUpperCase()} ${path} is served`)
    }
  }

  // and the other way: every admin route in Fastify's route table is in the document
  const admin = routeTable(app).filter((r) => r.url.startsWith('/admin'))
  t.ok(admin.length >= 32, `${admin.length} admin routes`)
  for (const { method, url } of admin) {
    const path = url.replace(/:(\w+)/g, '{$1}')
    t.ok((doc.paths as Record<string, Json>)[path]?.[method.toLowerCase()], `${method} ${path} is documented`)
  }
})

t.test('answers match the documented schemas', async (t) => {
  const { app } = await build(t, { extra: { admin: { token: ADMIN_TOKEN } } })
  const doc = (await app.inject({ url: '/admin/openapi.json', headers: auth })).json<Json>()
  const ajv = new Ajv2020({ strict: false })
  addFormats.default(ajv)
  ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc')
  const check = (name: string, value: unknown): void => {
    const validate = ajv.compile({ $ref: `doc#/components/schemas/${name}` })
    t.ok(validate(value), `${name}: ${JSON.stringify(validate.errors)}`)
  }
  const post = await app.inject({
    method: 'POST',
    url: '/hooks/open',
    headers: { 'content-type': 'application/json' },
    payload: { email: 'x@example.com' },
  })
  const id = post.json<{ id: string }>().id
  check('EventList', (await app.inject({ url: '/admin/events', headers: auth })).json())
  check('EventTrail', (await app.inject({ url: `/admin/events/${id}`, headers: auth })).json())
  for (const l of (await app.inject({ url: '/admin/locations', headers: auth })).json<{ locations: unknown[] }>()
    .locations)
    check('LocationStatus', l)
  check('Error', (await app.inject({ url: '/admin/events/nope', headers: auth })).json())
})
