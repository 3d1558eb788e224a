/**
 * The storage port: everything the hub asks of object storage. The S3 adapter implements it;
 * services depend on this class only.
 */
export abstract class ObjectStorage {
  /** Creates the bucket when it does not exist yet. */
  abstract ensureBucket(): Promise<void>;
  /** Throws when the storage cannot be reached. */
  abstract ping(): Promise<void>;
}
