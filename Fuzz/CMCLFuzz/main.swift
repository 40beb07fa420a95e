import CFuzzerDriver
import Foundation

// libFuzzer's driver called from this main (SwiftPM keeps its own entry point for executables).
fuzzerSetUp()
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzerTestOneInput(data, size) })
