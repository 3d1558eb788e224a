-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN     "secret_ciphertext" TEXT,
ALTER COLUMN "secret" DROP NOT NULL;
