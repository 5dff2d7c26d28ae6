// The protocol fuzz binary's target table.
let fuzzTargets = protocolFuzzTargets
let fuzzSeeds = protocolSeeds
