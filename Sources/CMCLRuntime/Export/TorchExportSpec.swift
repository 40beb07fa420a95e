import Foundation

/// `experiment.json` of a PyTorch export: everything train.py reads about the run. Optional
/// settings that are nil are left out of the file (train.py reads them with a default).
///
/// ```swift
/// let text = try TorchExportSpec.json(spec, pretty: true)   // sorted keys, as written
/// ```
struct TorchExportSpec: Codable, Equatable {
    var format = "cmcl-torch-export"
    /// 2: span heads and SQuAD windows (`data.questions`, `training.answers`).
    var version = 2
    /// The run's name in the run log.
    var name: String
    var model: Model
    var data: DataFiles
    var objective: Objective
    var optimizer: Optimizer
    var schedule: Schedule
    var training: Training
    /// cmcl's outputs on the first rows (`reference.json`).
    var reference = "reference.json"

    struct Model: Codable, Equatable {
        var dir = "model"
        /// `classification`, `regression` or `span`.
        var head: String
        var classes: Int?
        /// Hugging Face names of the parameters without weight decay.
        var noDecay: [String]
        /// Whether the `[PAD]` word-embedding row trains (`trained`: cmcl's models built from
        /// scratch) or stays as loaded (`frozen`: checkpoints, as transformers' `padding_idx`).
        var paddingRow: String

        enum CodingKeys: String, CodingKey { case dir, head, classes, noDecay = "no_decay", paddingRow = "padding_row" }
    }

    struct DataFiles: Codable, Equatable {
        var train = "data/train.jsonl"
        var order = "data/order.json"
        var padID: Int
        var eval: String?
        /// SQuAD evaluation: the questions (id, context, gold answers) the windows of `eval` belong to.
        var questions: String?

        enum CodingKeys: String, CodingKey { case train, order, eval, questions, padID = "pad_id" }
    }

    struct Objective: Codable, Equatable {
        /// `plain`, `rdrop` or `cmp`.
        var kind: String
        /// The task loss: `classification`, `regression` or `span`.
        var task: String
        var alpha: Double?
        var reduction: String?
        var mode: String?
        var target: String?
        var ranking: String?
        var temperature: Double?
        var weight: Double?
        var primary: String?
        var crSchedule: Bool?
        var drop: Drop?
        var crop: Crop?

        struct Drop: Codable, Equatable {
            var steps: Int
            /// The base rate; nil: each dropout site's own.
            var p: Double?
        }

        struct Crop: Codable, Equatable {
            var steps: Int
            var ratio: Double
            var style: String
            var protectedIDs: [Int]
            var padID: Int

            enum CodingKeys: String, CodingKey { case steps, ratio, style, protectedIDs = "protected_ids", padID = "pad_id" }
        }

        enum CodingKeys: String, CodingKey {
            case kind, task, alpha, reduction, mode, target, ranking, temperature, weight, primary, drop, crop
            case crSchedule = "cr_schedule"
        }
    }

    struct Optimizer: Codable, Equatable {
        var name: String
        var lr: Double
        var weightDecay: Double
        var betas: [Double]?
        var eps: Double?
        var momentum: Double?

        enum CodingKeys: String, CodingKey { case name, lr, betas, eps, momentum, weightDecay = "weight_decay" }
    }

    struct Schedule: Codable, Equatable {
        /// `constant`, `linear` or `cosine`.
        var kind: String
        var warmupSteps: Int
        var minFactor: Double?

        enum CodingKeys: String, CodingKey { case kind, warmupSteps = "warmup_steps", minFactor = "min_factor" }
    }

    struct Training: Codable, Equatable {
        var batch: Int
        var epochs: Int
        var totalSteps: Int
        var seed: UInt64
        var evalBatch: Int
        /// The metrics of every evaluation (lower-case; empty: the head's defaults).
        var metrics: [String]
        var clip: Double?
        var every: Int?
        var keepBest: String?
        var higherIsBetter: Bool?
        var dropout: Bool
        /// SQuAD decoding: the n-best starts and ends paired, and the longest answer in tokens.
        var answers: AnswerDecoding?

        struct AnswerDecoding: Codable, Equatable {
            var nBest: Int
            var maxAnswerLength: Int

            enum CodingKeys: String, CodingKey { case nBest = "n_best", maxAnswerLength = "max_answer_length" }
        }

        enum CodingKeys: String, CodingKey {
            case batch, epochs, seed, metrics, clip, every, dropout, answers
            case totalSteps = "total_steps", evalBatch = "eval_batch", keepBest = "keep_best", higherIsBetter = "higher_is_better"
        }
    }

    /// `value` as JSON text: sorted keys, slashes unescaped, indented when `pretty`.
    static func json(_ value: some Encodable, pretty: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
