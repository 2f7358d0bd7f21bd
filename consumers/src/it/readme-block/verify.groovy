// The README's Java block compiled, for the release the block asks for (class file major version 61 = Java 17).
def classFile = new File(basedir, 'from-readme/target/classes/TrainAClassifier.class')
assert classFile.isFile(): "the README's block did not build: no ${classFile}"
def bytes = classFile.bytes
int major = ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff)
assert major == 61: "compiled for class file version ${major}, expected 61 (Java 17)"
def log = new File(basedir, 'build.log').getText('UTF-8')
assert !log.contains('Source option'): 'the compiler rejected the source level'
return true
