// Diagnostics offer "did you mean" hints (`Suggestion`) and quote strings (`StringEscape`) from
// CMCLBase; code that imports the language sees them too.
@_exported import CMCLBase
