-- AlterTable
ALTER TABLE "uploads" ADD COLUMN     "put_generation" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "puts_in_flight" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "streamed_sha256" TEXT;
