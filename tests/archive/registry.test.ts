import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseChallenge, parseRef, pullImage, registryBase } from '../../src/archive/registry.js';
import { gz, makeTar, sha256 } from './helpers.js';

describe('parseRef and registryBase', () => {
  const cases: [string, object, string][] = [
    ['debian', { registry: 'docker.io', repository: 'library/debian', tag: 'latest' }, 'https://registry-1.docker.io/v2/library/debian'],
    ['quay.io/jupyter/base-notebook:2024', { registry: 'quay.io', repository: 'jupyter/base-notebook', tag: '2024' }, 'https://quay.io/v2/jupyter/base-notebook'],
    ['127.0.0.1:5000/x/y:z', { registry: '127.0.0.1:5000', repository: 'x/y', tag: 'z' }, 'http://127.0.0.1:5000/v2/x/y'],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest' }, 'http://localhost/v2/app'],
  ];

  for (const [ref, want, base] of cases) {
    test(`${ref} -> ${base}`, () => {
      const r = parseRef(ref);
      assert.deepEqual(r, { ...want, digest: undefined });
      assert.equal(registryBase(r), base);
    });
  }

  test('plain http to a remote registry only with insecure', () => {
    assert.equal(registryBase(parseRef('reg.example:5000/a'), true), 'http://reg.example:5000/v2/a');
  });

  test('a bad reference is refused', () => {
    assert.throws(() => parseRef('Upper/Case'), /not a valid image reference/);
  });

  test('parses a Bearer challenge', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth/token",service="reg",scope="repository:a:pull"'), {
      scheme: 'bearer',
      params: { realm: 'https://auth/token', service: 'reg', scope: 'repository:a:pull' },
    });
  });
});

/** A registry on loopback that wants a bearer token, serving one index of two platforms. */
describe('pullImage against a token-protected registry on 127.0.0.1', () => {
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, Buffer>();
  const seen: { tokenAuth?: string; blobAuth?: string[] } = { blobAuth: [] };
  let server: Server;
  let port = 0;
  let corrupt = false;
  const layerDigests = new Set<string>();

  const put = (b: Buffer) => {
    blobs.set(sha256(b), b);

    return { digest: sha256(b), size: b.length };
  };
  const manifest = (user: string, arch: string, layer: Buffer) => {
    const cfg = put(Buffer.from(JSON.stringify({ os: 'linux', architecture: arch, config: { User: user } })));
    layerDigests.add(sha256(layer));
    const m = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(layer) }],
      }),
    );
    manifests.set(sha256(m), m);

    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(m), size: m.length };
  };

  before(async () => {
    const amd = manifest('app', 'amd64', gz(await makeTar([{ name: 'srv/', uid: 1000, gid: 1000, mode: 0o2775 }])));
    const arm = manifest('root', 'arm64', gz(await makeTar([{ name: 'arm/' }])));
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { ...amd, platform: { os: 'linux', architecture: 'amd64' } },
          { ...arm, platform: { os: 'linux', architecture: 'arm64' } },
          { ...amd, platform: { os: 'unknown', architecture: 'unknown' } },
        ],
      }),
    );
    manifests.set('v1', index);

    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        seen.tokenAuth = req.headers.authorization;
        assert.equal(url.searchParams.get('scope'), 'repository:team/app:pull');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ token: 'T0KEN' }));

        return;
      }
      if (req.headers.authorization !== 'Bearer T0KEN') {
        res.statusCode = 401;
        res.setHeader('www-authenticate', `Bearer realm="http://127.0.0.1:${port}/token",service="mock",scope="repository:team/app:pull"`);
        res.end();

        return;
      }
      const m = url.pathname.match(/^\/v2\/team\/app\/(manifests|blobs)\/(.+)$/);
      const body = m && (m[1] === 'manifests' ? manifests.get(m[2]) : blobs.get(m[2]));
      if (!body) {
        res.statusCode = 404;
        res.end();

        return;
      }
      if (m![1] === 'blobs') seen.blobAuth!.push(req.headers.authorization ?? '');
      res.setHeader('content-type', 'application/vnd.oci.image.index.v1+json');
      res.end(corrupt && layerDigests.has(m![2]) ? Buffer.concat([body, Buffer.from('x')]) : body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });

  after(() => server.close());

  test('follows the token flow, picks the asked platform and streams its layers', async () => {
    const amd = await pullImage(`127.0.0.1:${port}/team/app:v1`, { platform: 'linux/amd64', env: {} });
    const arm = await pullImage(`127.0.0.1:${port}/team/app:v1`, { platform: 'linux/arm64', env: {} });

    assert.equal(amd.config.user, 'app');
    assert.deepEqual(amd.fs.get('/srv'), { kind: 'dir', uid: 1000, gid: 1000, mode: 0o2775 });
    assert.equal(arm.config.user, 'root');
    assert.equal(arm.fs.has('/arm'), true);
    assert.equal(seen.tokenAuth, undefined);
    assert.ok(seen.blobAuth!.every((a) => a === 'Bearer T0KEN'));
  });

  test('sends the basic credentials of the auth file to the token service', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'uidctl-auth-')), 'config.json');
    const auth = Buffer.from('ann:s3cret').toString('base64');
    writeFileSync(file, JSON.stringify({ auths: { [`127.0.0.1:${port}`]: { auth } } }));

    await pullImage(`127.0.0.1:${port}/team/app:v1`, { platform: 'linux/amd64', authFile: file, env: {} });

    assert.equal(seen.tokenAuth, `Basic ${auth}`);
  });

  test('reports progress with the totals of the manifest', async () => {
    const seenBytes: number[] = [];
    await pullImage(`127.0.0.1:${port}/team/app:v1`, {
      platform: 'linux/amd64',
      env: {},
      onProgress: (p) => {
        assert.equal(p.layerCount, 1);
        seenBytes.push(p.bytes);
        assert.ok(p.bytes <= p.totalBytes);
      },
    });

    assert.ok(seenBytes.length > 0);
  });

  test('a missing tag is an HTTP 404 error naming the URL', async () => {
    await assert.rejects(pullImage(`127.0.0.1:${port}/team/app:nope`, { env: {} }), /manifests\/nope: HTTP 404/);
  });

  test('a blob that does not match its digest is refused', async () => {
    corrupt = true;
    try {
      await assert.rejects(pullImage(`127.0.0.1:${port}/team/app:v1`, { platform: 'linux/amd64', env: {} }), /^ArchiveError: sha256:[0-9a-f]{64}: content does not match its digest/);
    } finally {
      corrupt = false;
    }
  });
});
