-- CreateIndex
CREATE INDEX "inference_calls_deployment_id_at_idx" ON "inference_calls"("deployment_id", "at");
