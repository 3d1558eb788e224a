import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '../common/secret-box';
import { HUB_CONFIG, HubConfig } from '../config/hub-config';

/** Remote deployments' credentials at rest: INFERENCE_SECRET_KEY, or a key generated into the data folder (`inference-secret-key`). */
@Injectable()
export class InferenceSecretBox extends SecretBox {
  constructor(@Inject(HUB_CONFIG) config: HubConfig) {
    super({ configuredKey: config.inference.secretKey, dataDir: config.dataDir, fileName: 'inference-secret-key', what: 'inference credential' });
  }
}
