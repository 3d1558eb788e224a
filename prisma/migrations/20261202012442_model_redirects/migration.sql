-- CreateTable
CREATE TABLE "model_redirects" (
    "namespace_key" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "model_id" UUID NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_redirects_pkey" PRIMARY KEY ("namespace_key","name_key")
);

-- CreateIndex
CREATE INDEX "model_redirects_model_id_idx" ON "model_redirects"("model_id");

-- AddForeignKey
ALTER TABLE "model_redirects" ADD CONSTRAINT "model_redirects_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;
