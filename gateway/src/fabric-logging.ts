// fabric-shim and fabric-contract-api log every decorator at info and every refused transaction
// at error, reading their level once, when they load. The gateway logs requests itself, so their
// default is lowered here, before they load; an explicit setting still wins.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
