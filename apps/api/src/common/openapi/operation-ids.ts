import type { OpenAPIObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * A handler mounted on several paths (the models and datasets prefixes, a route with and without
 * `/versions/{version}`) gets `Name[0]`, `Name[1]`... from Nest's explorer: ids that client
 * generators turn into unusable names. The first path keeps `Name`; each other one is named by the
 * first path segment where it differs from the first, singular: `Name` + `Dataset`, `Version`.
 */
export function uniqueOperationIds(document: OpenAPIObject): OpenAPIObject {
  const groups = new Map<string, { path: string; operation: { operationId?: string } }[]>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      const match = operation?.operationId && /^(.*)\[(\d+)\]$/.exec(operation.operationId);
      if (!match) continue;
      const group = groups.get(match[1]) ?? [];
      group[Number(match[2])] = { path, operation: operation! };
      groups.set(match[1], group);
    }
  }
  const taken = new Set(Object.values(document.paths).flatMap((item) => METHODS.map((m) => item[m]?.operationId)));
  for (const [base, group] of groups) {
    const members = group.filter(Boolean);
    const first = members[0].path.split('/');
    members.forEach(({ path, operation }, i) => {
      const segments = path.split('/');
      const differing = segments.find((s, k) => s !== first[k]) ?? segments[segments.length - 1];
      let id = i === 0 ? base : base + pascalSingular(differing);
      while (taken.has(id)) id += '_';
      taken.add(id);
      operation.operationId = id;
    });
  }
  return document;
}

function pascalSingular(segment: string): string {
  const word = segment.replace(/[{}]/g, '').replace(/s$/, '');
  return word.replace(/(^|[-_])(\w)/g, (_, _sep: string, c: string) => c.toUpperCase());
}
