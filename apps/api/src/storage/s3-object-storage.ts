import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { ObjectStorage } from './object-storage';
import { createS3Client } from './s3-client.factory';

@Injectable()
export class S3ObjectStorage extends ObjectStorage implements OnModuleDestroy {
  protected readonly client: S3Client;
  protected readonly bucket: string;

  constructor(@Inject(HUB_CONFIG) protected readonly config: ResolvedHubConfig) {
    super();
    this.client = createS3Client(config);
    this.bucket = config.s3.bucket;
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket })).catch((err: { name?: string }) => {
        // Another replica may have created it in between.
        if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
      });
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }
}
