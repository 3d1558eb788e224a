import type { OpenAPIObject } from '@nestjs/swagger';
import { uniqueOperationIds } from './operation-ids';

const doc = (paths: Record<string, Record<string, { operationId: string }>>) =>
  ({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths }) as unknown as OpenAPIObject;

describe('uniqueOperationIds', () => {
  it('names the other mounts of a handler by the segment where their path differs', () => {
    const d = uniqueOperationIds(
      doc({
        '/api/v1/models': { post: { operationId: 'ModelsController_create[0]' } },
        '/api/v1/datasets': { post: { operationId: 'ModelsController_create[1]' } },
        '/v2/models/{model}/infer': { post: { operationId: 'OipController_infer[0]' } },
        '/v2/models/{model}/versions/{version}/infer': { post: { operationId: 'OipController_infer[1]' } },
        '/healthz': { get: { operationId: 'HealthController_live' } },
      }),
    );
    const ids = Object.values(d.paths).map((p) => Object.values(p)[0].operationId);
    expect(ids).toEqual([
      'ModelsController_create',
      'ModelsController_createDataset',
      'OipController_infer',
      'OipController_inferVersion',
      'HealthController_live',
    ]);
  });

  it('never gives two operations the same id', () => {
    const d = uniqueOperationIds(
      doc({
        '/a/x': { get: { operationId: 'C_m[0]' } },
        '/a/y': { get: { operationId: 'C_m[1]' } },
        '/b': { get: { operationId: 'C_mY' } },
      }),
    );
    expect(new Set(Object.values(d.paths).map((p) => Object.values(p)[0].operationId)).size).toBe(3);
  });
});
