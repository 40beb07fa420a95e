import CMCLRepl
import CMCLRuntime
import Foundation

// The executable: argument parsing and dispatch only.
let arguments = Array(CommandLine.arguments.dropFirst())
let code = LargeStack.run { Commands.main(arguments) }
exit(code)
