import { ApiResponse } from '@nestjs/swagger';

/** A route that answers bytes (a file, an object), not JSON: its content types in the OpenAPI document. */
export const ApiBytes = (status: number, ...contentTypes: string[]) =>
  ApiResponse({
    status,
    description: 'The bytes',
    content: Object.fromEntries(contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
  });
