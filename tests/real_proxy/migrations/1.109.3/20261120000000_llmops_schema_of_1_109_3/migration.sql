-- What LiteLLM 1.109.3's schema.prisma holds beyond litellm-proxy-extras 0.4.110's (the migrations the stack
-- applies before this one): its own migrations (litellm-proxy-extras 0.4.113) are not on the package index here.
-- Written from the two schema.prisma files as `prisma migrate diff` writes SQL (its type mapping and default
-- names); no table that exists changes, so only objects are added.

-- CreateIndex (LiteLLM_ManagedFileTable @@index([created_by, created_at(sort: Desc)]))
CREATE INDEX IF NOT EXISTS "LiteLLM_ManagedFileTable_created_by_created_at_idx" ON "LiteLLM_ManagedFileTable"("created_by", "created_at" DESC);

-- CreateIndex (LiteLLM_BackgroundInteractionSettlement @@index([settled_at]))
CREATE INDEX IF NOT EXISTS "idx_background_interaction_settlement_settled_at" ON "LiteLLM_BackgroundInteractionSettlement"("settled_at");

-- CreateEnum
CREATE TYPE "AccountingEventKind" AS ENUM ('inbound_usage', 'outbound_usage', 'cost');
CREATE TYPE "AccountingDeliveryState" AS ENUM ('pending', 'applied', 'parked');
CREATE TYPE "AccountingDeliveryTarget" AS ENUM ('LiteLLM_VerificationToken', 'LiteLLM_UserTable', 'LiteLLM_TeamTable', 'LiteLLM_TeamMembership', 'LiteLLM_OrganizationTable', 'LiteLLM_OrganizationMembership', 'LiteLLM_EndUserTable', 'LiteLLM_AgentsTable', 'LiteLLM_TagTable', 'LiteLLM_ProjectTable', 'LiteLLM_ModelAccessGroupBudgetTable', 'LiteLLM_BudgetTable', 'LiteLLM_BudgetWindowSpend', 'LiteLLM_DailyUserSpend', 'LiteLLM_DailyTeamSpend', 'LiteLLM_DailyOrganizationSpend', 'LiteLLM_DailyEndUserSpend', 'LiteLLM_DailyAgentSpend', 'LiteLLM_DailyTagSpend', 'LiteLLM_DailyModelUsage', 'LiteLLM_DailyToolSpend', 'LiteLLM_AutoRouterDailySpend');

-- CreateTable
CREATE TABLE IF NOT EXISTS "LiteLLM_AccountingEvent" (
    "event_id" TEXT NOT NULL,
    "kind" "AccountingEventKind" NOT NULL,
    "source_event_id" TEXT,
    "schema_version" INTEGER NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "recorded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" JSONB NOT NULL,

    CONSTRAINT "LiteLLM_AccountingEvent_pkey" PRIMARY KEY ("event_id")
);
CREATE INDEX IF NOT EXISTS "LiteLLM_AccountingEvent_recorded_at_idx" ON "LiteLLM_AccountingEvent"("recorded_at");
CREATE INDEX IF NOT EXISTS "LiteLLM_AccountingEvent_kind_source_event_id_idx" ON "LiteLLM_AccountingEvent"("kind", "source_event_id");

-- CreateTable
CREATE TABLE IF NOT EXISTS "LiteLLM_AccountingDelivery" (
    "event_id" TEXT NOT NULL,
    "target" "AccountingDeliveryTarget" NOT NULL,
    "version" INTEGER NOT NULL,
    "state" "AccountingDeliveryState" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_at" TIMESTAMP(3),
    "last_error" TEXT,

    CONSTRAINT "LiteLLM_AccountingDelivery_pkey" PRIMARY KEY ("event_id", "target", "version")
);
CREATE INDEX IF NOT EXISTS "LiteLLM_AccountingDelivery_target_state_next_attempt_at_idx" ON "LiteLLM_AccountingDelivery"("target", "state", "next_attempt_at");

-- CreateTable
CREATE TABLE IF NOT EXISTS "LiteLLM_SubscriptionAccountTable" (
    "subscription_account_id" TEXT NOT NULL,
    "custom_llm_provider" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "label" TEXT,
    "monthly_fee" DOUBLE PRECISION NOT NULL,
    "currency" TEXT NOT NULL,
    "billing_period_start" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL,

    CONSTRAINT "LiteLLM_SubscriptionAccountTable_pkey" PRIMARY KEY ("subscription_account_id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "LiteLLM_SubscriptionAccountTable_provider_account_key" ON "LiteLLM_SubscriptionAccountTable"("custom_llm_provider", "account_id");
