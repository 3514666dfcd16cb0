package dev.xidlab.plan;

/**
 * The plan's own scalars: {@code name}, {@code runs}, {@code seed}, {@code threshold} and {@code maxCoverageLoss},
 * each with its default when left out.
 */
final class TopLevelBlock {

    private TopLevelBlock() {
    }

    static String name(NodeValues v, LocatedNode root) throws PlanException {
        return v.string(root.fields.get("name"), "plan");
    }

    static int runs(NodeValues v, LocatedNode root) throws PlanException {
        return v.integer(root.fields.get("runs"), DefaultPlan.RUNS, 1, Plan.MAX_RUNS, "runs");
    }

    static long seed(NodeValues v, LocatedNode root) throws PlanException {
        return root.fields.containsKey("seed") ? v.longValue(root.fields.get("seed"), "seed") : DefaultPlan.SEED;
    }

    static double threshold(NodeValues v, LocatedNode root) throws PlanException {
        return v.decimal(root.fields.get("threshold"), DefaultPlan.THRESHOLD, "threshold");
    }

    /** The coverage loss a fix may show, at most {@link Plan#MAX_COVERAGE_LOSS}. */
    static double maxCoverageLoss(NodeValues v, LocatedNode root) throws PlanException {
        LocatedNode node = root.fields.get("maxCoverageLoss");
        if (node == null) {
            return Plan.DEFAULT_MAX_COVERAGE_LOSS;
        }
        double maxLoss = v.share(node, "maxCoverageLoss");
        if (maxLoss > Plan.MAX_COVERAGE_LOSS) {
            throw v.error(node, Plan.coverageLossAboveCap(node.text));
        }
        return maxLoss;
    }

    /** The scalars' lines, in the order a person reads them. */
    static void write(StringBuilder y, Plan plan) {
        y.append("name: ").append(PlanWriter.quote(plan.name())).append('\n');
        y.append("runs: ").append(plan.runs()).append('\n');
        y.append("seed: ").append(plan.seed()).append('\n');
        y.append("threshold: ").append(number(plan.threshold())).append('\n');
        y.append("maxCoverageLoss: ").append(number(plan.maxCoverageLoss())).append('\n');
    }

    private static String number(double value) {
        String text = String.valueOf(value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }
}
