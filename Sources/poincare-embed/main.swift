import Foundation

let status = PoincareEmbedCommand.run(Array(CommandLine.arguments.dropFirst()), console: .standard())
exit(status.rawValue)
