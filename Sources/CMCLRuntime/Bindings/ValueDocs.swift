/// Documentation of the global values and History fields, in the builtin registry.
enum ValueDocs {
    static func register(into r: BuiltinRegistry) {
        r.document("ce", "train", "Cross-entropy: the task loss of classification heads (plain training); also the task inside `cmp(ce, …)` and `rdrop(ce, …)`.",
                   example: "fit(net, train, loss: ce, epochs: 2)")
        r.document("mse_loss", "train", "Mean squared error: the task loss of regression heads (STS-B).",
                   example: "fit(net, stsb, loss: mse_loss)")
        r.document("span_ce", "train", "Span cross-entropy for extractive QA heads: the mean of the start- and end-position cross-entropies.",
                   example: "fit(net, squad_train, loss: cmp(span_ce, ablate: cmpcrop(2)))")
        r.document("History.steps", "train",
                   "One record per optimizer step: step (from 1), epoch (from 1, as in the progress line and the History table), loss, lr, grad_norm and the loss parts (l_0 … l_c, ranking, violation_rate, … under cmp).",
                   example: "h.steps[-1].epoch")
        r.document("History.losses", "train", "The task loss l_0 of every step, as a list: comparable between plain, comparative and R-Drop training.", example: "h.losses[0]")
        r.document("History.objective", "train", "What was minimised at every step: the ranking loss under cmp(...), task loss plus KL under rdrop(...), else the task loss.", example: "h.objective[0]")
        r.document("History.parts", "train",
                   "Each loss part as a list over steps: `h.parts.l_0` is the full model's task loss, `h.parts.l_1` … the ablated variants', plus ranking and violation_rate under cmp.",
                   example: "h.parts.l_0[-1] < h.parts.l_1[-1]")
        r.document("History.evals", "train", "One record per evaluation on `eval:` data: step, epoch (from 1) and every metric.",
                   example: "h.evals[-1].accuracy")
        r.document("History.best", "train", "With `keep_best:`, the evaluation whose weights were restored (nil otherwise).",
                   example: "h.best.step")
        r.document("History.seconds", "train", "Wall-clock seconds of the run.", example: "h.seconds")
        r.document("History.stopped_early", "train", "Whether Ctrl-C stopped the run before its planned steps.",
                   example: "h.stopped_early")
    }
}
