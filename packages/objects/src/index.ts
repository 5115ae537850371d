/**
 * `@ft/objects`: layer 7 of ft. Python objects in the shared heap that any
 * worker can use at once, with CPython's free-threaded thread-safety
 * contract: type objects, the builtin containers, and the abstract
 * protocols dispatched through slot behaviours.
 *
 * @packageDocumentation
 */

export {
  BYTES_MAX_SIZE,
  FUNC_VERSION_CACHE_SIZE,
  FUNC_VERSION_FIRST_VALID,
  TPFLAGS_BYTES_SUBCLASS,
  HASH_BITS,
  HASH_MODULUS,
  LIST_MAX_SIZE,
  LONG_SHIFT,
  MAX_GLOBAL_TYPE_VERSION_TAG,
  MAX_VERSIONS_PER_CLASS,
  MCACHE_ENTRIES,
  MCACHE_MAX_ATTR_SIZE,
  MCACHE_SIZE_EXP,
  DICT_MIN_SIZE,
  OBJECTS_LAYOUT_VERSION,
  OBJECTS_STATE_TAG,
  SMALL_INT_MAX,
  SMALL_INT_MIN,
  SET_MIN_SIZE,
  StaticType,
  TPFLAGS_BASE_EXC_SUBCLASS,
  TPFLAGS_DICT_SUBCLASS,
  TPFLAGS_LIST_SUBCLASS,
  TPFLAGS_LONG_SUBCLASS,
  TPFLAGS_TUPLE_SUBCLASS,
  TPFLAGS_TYPE_SUBCLASS,
  TPFLAGS_UNICODE_SUBCLASS,
  TYPE_BASE_VERSION_TAG,
  TYPE_OBJECT_SIZE,
} from './layout.js';
export {
  ObThread,
  SLOT_INDEX,
  SLOT_KINDS,
  type AssSubscriptFn,
  type BuiltinBehaviourIds,
  type CallFn,
  type DescrGetFn,
  type DescrSetFn,
  type ErrorState,
  type GetAttroFn,
  type HashFn,
  type InitFn,
  type ItemFn,
  type LengthFn,
  type NewFn,
  type PredicateFn,
  type RichCompareFn,
  type SetAttroFn,
  type SlotKind,
  type SlotShapes,
  type SlotTables,
  type BinaryFn,
  type TernaryFn,
  type SubscriptFn,
  type VectorcallFn,
  type SlotDispatchIds,
  type GetterFn,
  type SetterFn,
  type UnaryFn,
} from './ob-thread.js';
export { strCodePointAt, strLength, strToJs } from './str-read.js';
export { objectTypeCheck, typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
export {
  errClear,
  errExceptionMatches,
  errFetch,
  errGetHandledException,
  errGetRaisedException,
  errGivenExceptionMatches,
  errNoMemory,
  errOccurred,
  errRaise,
  errRaiseInt,
  errRestore,
  errSetHandledException,
  errSetNone,
  errSetObject,
  errSetRaisedException,
  errSetString,
  errToJs,
  errUnhashable,
  formatError,
  PyError,
  type FetchedError,
} from './errors.js';
export {
  exceptionClassCheck,
  exceptionGetArgs,
  exceptionGetCause,
  exceptionGetContext,
  exceptionGetSuppressContext,
  exceptionGetTraceback,
  exceptionInstanceCheck,
  exceptionSetArgs,
  exceptionSetCause,
  exceptionSetContext,
  exceptionSetSuppressContext,
  exceptionSetTraceback,
} from './exception-object.js';
export { exceptionAddNote, exceptionCall, exceptionWithTraceback } from './exceptions.js';
export { STR_MAX_LENGTH, strCheckExact, strCompare, strEq, strFromJs, strHash, strReprJs } from './str.js';
export {
  strCenter,
  strCheck,
  strConcat,
  strContains,
  strCount,
  strEndsWith,
  strExpandtabs,
  strFind,
  strFromCodePoints,
  strGetItem,
  strGetSlice,
  strIndex,
  strJoin,
  strLjust,
  strLstrip,
  strNew,
  strPartition,
  strRepeat,
  strReplace,
  strRfind,
  strRindex,
  strRjust,
  strRpartition,
  strRsplit,
  strRstrip,
  strSplit,
  strSplitlines,
  strStartsWith,
  strStrip,
  strSubstring,
  strZfill,
  unicodeIsLinebreak,
  unicodeIsSpace,
} from './str-methods.js';
export {
  strCapitalize,
  strCasefold,
  strIsAlnum,
  strIsAlpha,
  strIsAscii,
  strIsDecimal,
  strIsDigit,
  strIsIdentifier,
  strIsLower,
  strIsNumeric,
  strIsPrintable,
  strIsSpace,
  strIsTitle,
  strIsUpper,
  strLower,
  strSwapcase,
  strTitle,
  strUpper,
  unicodeIsPrintable,
} from './str-case.js';
export { floatAsDouble, floatCheck, floatCheckExact, floatFromDouble, floatReprJs, hashDouble, longAsDouble, numberAsDouble } from './float.js';
export { floatAsIntegerRatio, floatIsInteger, floatRound, numberFloat } from './float-arith.js';
export { doubleToString, DTSF_ADD_DOT_0, DTSF_ALT, DTSF_NO_NEG_0, DTSF_SIGN, floatFormat, floatFormatJs, floatFromString, parseFormatSpec, type FormatSpec } from './float-format.js';
export {
  complexCheck,
  complexCheckExact,
  complexFromDoubles,
  complexHash,
  complexImag,
  complexImagAsDouble,
  complexPow,
  complexReal,
  complexRealAsDouble,
  complexReprJs,
  setComplexHooks,
  type ComplexHooks,
} from './complex.js';
export { intAsBigInt, intAsNumber, intCheckExact, intCompactValue, intCompare, intCopy, intFromBigInt, intFromNumber, intHash, intIsCompact, intReprJs, intSign, smallInt } from './int.js';
export {
  INT_DEFAULT_MAX_STR_DIGITS,
  INT_MAX_STR_DIGITS_THRESHOLD,
  intBitLength,
  intFormatJs,
  intFromBytes,
  intFromString,
  intGetMaxStrDigits,
  intSetMaxStrDigits,
  intToBytes,
  intToString,
} from './int-format.js';
export {
  iterNext,
  iterNextRaw,
  objectContains,
  objectGetItem,
  objectGetIter,
  objectHash,
  objectIsTrue,
  objectLength,
  objectRepr,
  objectReprJs,
  objectRichCompare,
  objectRichCompareBool,
  objectSetItem,
  PY_EQ,
  PY_GE,
  PY_GT,
  PY_LE,
  PY_LT,
  PY_NE,
  typeSlot,
  typeSlotId,
} from './abstract.js';
export { indexCheck, numberAsSsize, numberBinaryOp, numberIndex, numberInPlaceOp, numberLong, numberPower, numberUnaryOp, type NumberBinarySlot, type NumberUnarySlot } from './abstract-number.js';
export { TUPLE_MAX_SIZE, tupleCheckExact, tupleFromArray, tupleGetItem, tupleHash, tupleNew, tupleReprJs, tupleRichCompare, tupleSetItemInit, tupleSize } from './tuple.js';
export {
  dictCheckExact,
  dictClear,
  dictContains,
  dictCopy,
  dictDelItem,
  dictDelItemIf,
  dictEqual,
  dictGetItemRef,
  dictHasSplitTable,
  dictIter,
  dictIterNext,
  dictMerge,
  dictNew,
  dictNewForType,
  dictPop,
  dictPopItem,
  dictReprJs,
  dictSetDefaultRef,
  dictSetItem,
  dictSize,
  dictSubscript,
  dictView,
} from './dict.js';
export {
  dictKeysSnapshot,
  dictKeysVersionIs,
  dictVersionedValueRef,
  instanceCannotShadow,
  instanceKeysOf,
  instanceValueRef,
  sharedKeysSnapshot,
  specializeSeams,
  storeInstanceValue,
  typeInstancesHaveNoDict,
  instanceDictAbsent,
  type KeysSnapshot,
} from './dict-specialize.js';
export { propertyGetterOf, pythonCallOf, pythonGetItemOf } from './frame-entry.js';
export { reverseSlice, timsort, type LessThan } from './list-sort.js';
export {
  listAppend,
  listAsTuple,
  listCheckExact,
  listClear,
  listContains,
  listCount,
  listExtend,
  listFromArray,
  listFromIterable,
  listGetItemRef,
  listIndex,
  listInsert,
  listIter,
  listIterNext,
  listNew,
  listPop,
  listReprJs,
  listRichCompare,
  listSetItem,
  listSetItemInit,
  listSize,
  listSort,
} from './list.js';
export {
  listCopy,
  listDelSlice,
  listGetSlice,
  listIndexRange,
  listRemove,
  listReverse,
  listSetSlice,
  sliceAdjustIndices,
  sliceUnpackCheck,
  type SliceIndices,
} from './list-slice.js';
export { listConcat, listInplaceConcat, listInplaceRepeat, listRepeat } from './list-arith.js';
export { anySetCheckExact, frozensetHash, setAdd, setClear, setContains, setDiscard, setEqual, setIter, setIterNext, setNew, setPop, setRemove, setReprJs, setSize } from './set.js';
export {
  dequeAppend,
  dequeAppendLeft,
  dequeClear,
  dequeContains,
  dequeExtend,
  dequeGetItem,
  dequeIter,
  dequeIterNext,
  dequeNew,
  dequePop,
  dequePopLeft,
  dequeReprJs,
  dequeRotate,
  dequeSize,
} from './deque.js';
export { strIntern, strInternFromJs } from './intern.js';
export { SlotRegistry } from './slot-registry.js';
export { typeModified, typeSetSlot } from './type-version.js';
export { typeCacheRelease, typeLookupRef } from './method-cache.js';
export { setTypeHooks, subtypeNew, typeGenericAlloc, typeNew, type TypeHooks } from './heap-type.js';
export { typeCalculateMetaclass } from './type-call.js';
export { mappingProxyCheck, mappingProxyMapping, mappingProxyNew } from './mappingproxy.js';
export { objectGenericGetAttr, objectGenericGetAttrWithDict, objectGenericSetAttr, objectGenericSetAttrWithDict, objectGetAttr, objectGetDict, objectSetDict, objectSetAttr, objectSetClass, typeGetAttro, typeSetAttro } from './generic-attr.js';
export { typeBase, typeMro, typeVersionTag, type GetSetSpec, type MethodSpec, type StaticTypeSpec } from './type-object.js';
export { objectsCreate, objectsRegister, objectsThreadInit, type ObjectsRegistration } from './objects-lifecycle.js';
export { createObjectsRuntime, hostObjectsRuntime, joinObjectsRuntime, type ObjectsHost, type ObjectsRuntime, type ObjectsRuntimeHandle, type ObjectsRuntimeOptions } from './objects-runtime.js';
export type { ObjectsThreadState } from './thread-state.js';
export { toJS, toPython, type ToJSOptions } from './interop.js';
export { SharedDict, SharedList, SharedView, type SharedObjectHandle } from './shared-objects.js';
export { rangeCheck, rangeContains, rangeIndex, rangeItem, rangeIter, rangeIterNext, rangeLength, rangeNew, rangeReprJs, rangeStart, rangeStep, rangeStop, rangeSubscript } from './range.js';
export { sliceCheck, sliceIndices, sliceNew, sliceReprJs, sliceStart, sliceStep, sliceStop, sliceUnpack } from './slice.js';
export { errSetKeyError, errSetKeyErrorText } from './key-error.js';
export { hashKeyFromSeed, randomHashKey, siphash13, type HashKey } from './siphash.js';
export { FLOAT_FREELIST_MAX } from './float.js';
export { argsPop, argsPush, callArgs, callNoArgs, callOneArg, objectCall, objectVectorcall } from './call.js';
export { METH_CLASS, METH_FASTCALL, METH_KEYWORDS, METH_NOARGS, METH_O, METH_STATIC, METH_VARARGS, builtinFunctionCheck, builtinFunctionFromJs, builtinFunctionNew } from './builtin-function.js';
export { getSetDescrNew, methodDescrNew } from './descr.js';
export { CO_ASYNC_GENERATOR, CO_COROUTINE, CO_FAST_CELL, CO_FAST_FREE, CO_FAST_HIDDEN, CO_FAST_LOCAL, CO_GENERATOR, CO_ITERABLE_COROUTINE, CO_NESTED, CO_NEWLOCALS, CO_OPTIMIZED, CO_VARARGS, CO_VARKEYWORDS, type CodeSpec, codeCheck, codeNew, codeUnits, codeVersion } from './code.js';
export { functionCheck, functionCode, functionField, functionNew, functionSetAnnotations, functionSetClosure, functionSetDefaults, functionSetKwDefaults } from './function.js';
export { type VersionLookup, functionLookupByVersion, functionVersion } from './function-version.js';
export { cellCheck, cellGetRef, cellNew, cellSet } from './cell.js';
export { methodCheck, methodFunction, methodNew, methodSelf } from './method.js';
export { moduleCheck, moduleDict, moduleFromJs, moduleNew, moduleSetState, moduleState } from './module.js';
export { classMethodNew, staticMethodNew, wrappedCallable } from './classmethod.js';
export { propertyNew } from './property.js';
export { superCheck, superLookup, superNew } from './super.js';
export { PY_CONSTANT_ELLIPSIS, PY_CONSTANT_EMPTY_BYTES, PY_CONSTANT_EMPTY_STR, PY_CONSTANT_EMPTY_TUPLE, PY_CONSTANT_FALSE, PY_CONSTANT_NONE, PY_CONSTANT_NOT_IMPLEMENTED, PY_CONSTANT_ONE, PY_CONSTANT_TRUE, PY_CONSTANT_ZERO, getConstant, getConstantBorrowed } from './constants.js';
export { PYBUF_FORMAT, PYBUF_FULL_RO, PYBUF_READ, PYBUF_SIMPLE, PYBUF_STRIDES, PYBUF_WRITABLE, PYBUF_WRITE, type PyBuffer, bufferRelease, bufferToContiguous, objectCheckBuffer, objectGetBuffer } from './buffer.js';
export {
  memoryIterNext,
  memoryViewAssSubscript,
  memoryViewAttribute,
  memoryViewCast,
  memoryViewCheck,
  memoryViewEnter,
  memoryViewFromObject,
  memoryViewHash,
  memoryViewIsReleased,
  memoryViewItem,
  memoryViewIter,
  memoryViewLength,
  memoryViewRelease,
  memoryViewReprJs,
  memoryViewRichCompare,
  memoryViewSubscript,
  memoryViewToBytes,
  memoryViewToJs,
  memoryViewToList,
  memoryViewToReadOnly,
} from './memoryview.js';
export { bytesAlloc, bytesAsUint8Array, bytesCheck, bytesCheckExact, bytesConcat, bytesData, bytesFromBytes, bytesFromHeap, bytesFromObject, bytesGetSlice, bytesHash, bytesItem, bytesIter, bytesIterNext, bytesNew, bytesRepeat, bytesReprJs, bytesRichCompare, bytesSize, bytesSubscript, bytesToJs } from './bytes.js';
export { byteArrayAlloc, byteArrayAppend, byteArrayAssSubscript, byteArrayCheck, byteArrayCheckExact, byteArrayClear, byteArrayConcat, byteArrayExports, byteArrayExtend, byteArrayFromBytes, byteArrayFromHeap, byteArrayGetItem, byteArrayGetSlice, byteArrayInit, byteArrayInplaceConcat, byteArrayInplaceRepeat, byteArrayInsert, byteArrayIter, byteArrayIterNext, byteArrayNew, byteArrayPop, byteArrayRemove, byteArrayRepeat, byteArrayReprJs, byteArrayResize, byteArrayRichCompare, byteArraySize, byteArraySubscript, byteArrayToJs } from './bytearray.js';
export { bytesCapitalize, bytesContains, bytesCount, bytesDecode, bytesEndsWith, bytesFind, bytesFromHex, bytesHex, bytesIndex, bytesIsAlnum, bytesIsAlpha, bytesIsAscii, bytesIsDigit, bytesIsLower, bytesIsSpace, bytesIsTitle, bytesIsUpper, bytesJoin, bytesLower, bytesLstrip, bytesReplace, bytesRfind, bytesRindex, bytesRsplit, bytesRstrip, bytesSplit, bytesStartsWith, bytesStrip, bytesSwapcase, bytesTitle, bytesUpper } from './bytes-methods.js';
export { GROUP_COMMA, GROUP_NONE, GROUP_UNDERSCORE, GROUP_UNDERSCORE_FOUR, type InternalFormatSpec, parseInternalFormatSpec } from './format-spec.js';
export { complexFormat, intFormat, objectAscii, objectConvert, objectDefaultFormat, objectFormat, strFormat } from './format-builtin.js';
export { strFormatArgs, strFormatMap } from './str-format.js';
export { strPercentFormat } from './str-percent.js';
export { type CodecName, codecLookup, strEncodeJs, unicodeDecode } from './codecs.js';
export { typeSupportsWeakrefs, weakrefCallback, weakrefCheck, weakrefCheckProxy, weakrefCheckRef, weakrefCheckRefExact, weakrefCount, weakrefFirst, weakrefGetObject, weakrefGetRef, weakrefIsDead, weakrefNewProxy, weakrefNewRef, weakrefsOf } from './weakref.js';
export { clearWeakRefs, errWriteUnraisable, setUnraisableHook, type UnraisableHook } from './weakref-clear.js';
export { type ArgSpec, badArgument, boolArg, cIntArg, cStringArg, checkPositional, isStr, noKeywords, noKwnames, sliceIndexArg, sliceIndexNotNoneArg, ssizeArg, unpackKeywords, unpackKeywordsTuple } from './arg-parse.js';
export { calculateSuggestion } from './suggestions.js';
export { staticTypeModuleJs, typeQualNameJs } from './type-names.js';
export { dictFromKeys, dictMergeFromSeq2, dictMergeMapping, dictUpdateArg } from './dict-methods.js';
export { type ExceptionGroupMatchResult, exceptionGroupCheck, exceptionGroupCreate, exceptionGroupDerive, exceptionGroupExceptions, exceptionGroupMatch, exceptionGroupMessage, exceptionGroupSplit, exceptionGroupSubgroup, prepReraiseStar, prepReraiseStarChecked } from './exception-group.js';
export { HASH_MODULUS_64, complexHash64, hashDouble64, longHash64, objectHashPy, objectHashValue, pointerHash64 } from './hash64.js';
export { tupleCount, tupleGetSlice, tupleIndex, tupleIter, tupleIterNext } from './tuple.js';
export { anySetCheck, setDifference, setDifferenceUpdate, setIntersection, setIsDisjoint, setIsSubset, setIsSuperset, setNewBaseType, setSymmetricDifference, setSymmetricDifferenceUpdate, setUpdate } from './set.js';
export { dequeCount, dequeExtendLeft, dequeIndex, dequeInit, dequeMaxlen, dequeRemove } from './deque.js';
export { rangeCount } from './range.js';
export { intBitCount } from './int-format.js';
export { intRound } from './int-arith.js';
export { complexFromString } from './complex.js';
export { siphash13x64 } from './siphash.js';
export * from './vm-layout.js';
export { objectStr, objectStrJs, sequenceTuple } from './exceptions.js';
export { sequenceCheck, seqIterNew, callIterNew } from './seq-iterator.js';
export { enumerateNew, filterNew, mapNew, reversedNew, zipNew } from './builtin-iterators.js';
export { tracebackCheck, tracebackFrame, tracebackLasti, tracebackLineno, tracebackNew, tracebackNext } from './traceback.js';
export { frameCheck, frameGetBack, frameGetCode, frameLasti, frameLineno, frameObjectNew, frameSetBack, frameSetLasti, frameSetLineno, frameSetLocals } from './frame-object.js';
export {
  FrameWord,
  GEN_CLEARED,
  GEN_COMPLETED,
  GEN_CREATED,
  GEN_EXC_STATE_OFFSET,
  GEN_EXECUTING,
  GEN_FLAG_CLOSED,
  GEN_FLAG_RUNNING_ASYNC,
  GEN_FLAGS_OFFSET,
  GEN_FRAME_OFFSET,
  GEN_NAME_OFFSET,
  GEN_QUALNAME_OFFSET,
  GEN_STATE_OFFSET,
  GEN_SUSPENDED,
  GEN_SUSPENDED_YIELD_FROM,
  GEN_WEAKREFLIST_OFFSET,
  asyncGenCheck,
  coroutineCheck,
  generatorCheck,
  generatorClearSlots,
  generatorKindName,
  generatorLikeCheck,
  generatorNew,
  generatorState,
  type GeneratorKind,
  type GeneratorOps,
} from './generator.js';
export { asyncGenWrapValue } from './async-generator.js';
export { anextAwaitableNew } from './coroutine-types.js';
