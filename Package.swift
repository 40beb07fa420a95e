// swift-tools-version:6.0
import PackageDescription

// Release builds may opt into CPU-specific code generation with CMCL_NATIVE=1
// (see scripts/bench); the default build stays portable.
let nativeFlags: [SwiftSetting] = Context.environment["CMCL_NATIVE"] == "1"
    ? [.unsafeFlags(["-Xcc", "-march=native", "-target-cpu", "native"])]
    : []

let package = Package(
    name: "cmcl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cmcl", targets: ["cmcl"]),
        .library(name: "CMCLBase", targets: ["CMCLBase"]),
        .library(name: "CMCLTensor", targets: ["CMCLTensor"]),
        .library(name: "CMCLNN", targets: ["CMCLNN"]),
        .library(name: "CMCLCompare", targets: ["CMCLCompare"]),
        .library(name: "CMCLData", targets: ["CMCLData"]),
        .library(name: "CMCLTasks", targets: ["CMCLTasks"]),
        .library(name: "CMCLLang", targets: ["CMCLLang"]),
        .library(name: "CMCLRuntime", targets: ["CMCLRuntime"]),
        .library(name: "CMCLPlot", targets: ["CMCLPlot"]),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "CReadline", path: "Sources/CReadline",
                       providers: [.apt(["libreadline-dev"])]),
        // The Jupyter kernel's sockets (ZeroMQ) and message signatures (HMAC-SHA256 from libcrypto).
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", providers: [.apt(["libssl-dev"])]),

        // Small shared helpers (names, escaping, seeded shuffles, atomic files): a leaf every
        // other target may import.
        .target(name: "CMCLBase"),

        // Engine: knows nothing of the language.
        // OpenBLAS is opened at run time (Sources/CMCLTensor/Kernels/BLASLibrary.swift).
        // The bfloat16 matrix product (AVX512_BF16, chosen at run time; portable elsewhere).
        .target(name: "CMCLBF16", path: "Sources/CMCLBF16"),
        .target(name: "CMCLTensor", dependencies: ["CMCLBase", "CMCLBF16"], swiftSettings: nativeFlags),
        .target(name: "CMCLNN", dependencies: ["CMCLBase", "CMCLTensor"], swiftSettings: nativeFlags),
        .target(name: "CMCLCompare", dependencies: ["CMCLBase", "CMCLTensor", "CMCLNN"], swiftSettings: nativeFlags),
        .target(name: "CMCLData", dependencies: ["CMCLBase"], swiftSettings: nativeFlags),
        // Tasks: what needs data and models together (dataset → batch pipelines, QA decoding,
        // answer metrics); never imports the language, never prints.
        .target(name: "CMCLTasks", dependencies: ["CMCLBase", "CMCLTensor", "CMCLNN", "CMCLCompare", "CMCLData"],
                swiftSettings: nativeFlags),
        // Charts as data, drawn for terminals (Unicode) and as SVG.
        .target(name: "CMCLPlot", dependencies: ["CMCLBase"]),

        // Language: knows nothing of tensors.
        .target(name: "CMCLLang", dependencies: ["CMCLBase"]),

        // The runtime joins the two.
        .target(name: "CMCLRuntime",
                dependencies: ["CMCLBase", "CMCLLang", "CMCLTensor", "CMCLNN", "CMCLCompare", "CMCLData", "CMCLTasks", "CMCLPlot"],
                swiftSettings: nativeFlags + [
                    // The interpreter's state is reached through pointers it owns; dynamic
                    // exclusivity checks only slow its hot paths.
                    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
                ]),
        .target(name: "CMCLRepl", dependencies: ["CMCLBase", "CMCLRuntime", "CMCLLang", "CReadline"]),
        // The Jupyter kernel: the REPL's session behind the Jupyter messaging protocol.
        .target(name: "CMCLKernel",
                dependencies: ["CMCLBase", "CMCLData", "CMCLLang", "CMCLRuntime", "CMCLRepl", "CZeroMQ", "CLibCrypto"]),
        .executableTarget(name: "cmcl", dependencies: ["CMCLBase", "CMCLRepl", "CMCLRuntime", "CMCLLang", "CMCLKernel"]),
        // Kernel benchmarks (scripts/bench-tensor), with a C loop that measures the FMA peak.
        .target(name: "CMCLPeak", path: "Sources/CMCLPeak"),
        .executableTarget(name: "CMCLBench", dependencies: ["CMCLTensor", "CMCLNN", "CMCLCompare", "CMCLPeak"], swiftSettings: nativeFlags),

        .testTarget(name: "CMCLBaseTests", dependencies: ["CMCLBase"]),
        .testTarget(name: "CMCLTensorTests", dependencies: ["CMCLTensor"], exclude: ["Fixtures"]),
        .testTarget(name: "CMCLNNTests", dependencies: ["CMCLNN", "CMCLTensor"], exclude: ["Fixtures"]),
        .testTarget(name: "CMCLCompareTests", dependencies: ["CMCLCompare", "CMCLNN", "CMCLTensor"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "CMCLDataTests", dependencies: ["CMCLData"], exclude: ["Fixtures"]),
        .testTarget(name: "CMCLTasksTests", dependencies: ["CMCLTasks", "CMCLData", "CMCLNN", "CMCLTensor", "CMCLBase"]),
        .testTarget(name: "CMCLLangTests", dependencies: ["CMCLLang"]),
        .testTarget(name: "CMCLPlotTests", dependencies: ["CMCLPlot", "CMCLBase"]),
        .testTarget(name: "CMCLRuntimeTests", dependencies: ["CMCLRuntime", "CMCLLang"], exclude: ["cases"]),
        .testTarget(name: "CMCLReplTests", dependencies: ["CMCLRepl", "CMCLRuntime", "CMCLLang"]),
        .testTarget(name: "CMCLKernelTests", dependencies: ["CMCLKernel", "CMCLData", "CMCLRuntime"]),
    ]
)

// libFuzzer targets (scripts/fuzz, docs/testing.md): declared only with CMCL_FUZZ=1 and built
// in their own scratch path with -sanitize=fuzzer,address, so normal builds never compile them.
if Context.environment["CMCL_FUZZ"] == "1" {
    package.products.append(.executable(name: "cmcl-fuzz", targets: ["CMCLFuzz"]))
    package.targets += [
        .target(name: "CFuzzerDriver", path: "Fuzz/CFuzzerDriver"),
        .executableTarget(name: "CMCLFuzz",
                          dependencies: ["CFuzzerDriver", "CMCLLang", "CMCLRuntime", "CMCLData", "CMCLNN", "CMCLTensor"],
                          path: "Fuzz/CMCLFuzz"),
    ]
}
