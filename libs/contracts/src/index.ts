export * from './enums';
export * from './platform';
