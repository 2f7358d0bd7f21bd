// Writes from-readme/ from README.md's "Train a classifier" section, verbatim: its ```xml block inside a bare
// <project>, and its ```java block (imports, then statements) as the body of main. Nothing is copied into the
// repository, so the README and this test cannot drift apart.
def readme = new File(readme as String).getText('UTF-8')
def section = readme.indexOf('## Train a classifier')
assert section >= 0: "README.md has no '## Train a classifier' section"
def rest = readme.substring(section)
def next = rest.indexOf('\n## ', 3)
if (next > 0) rest = rest.substring(0, next)
def block = { String lang ->
    def m = rest =~ /(?ms)^```${lang}\n(.*?)^```/
    assert m.find(): "the section has no ${lang} block"
    m.group(1)
}
def xml = block('xml')
def java = block('java')

def module = new File(basedir, 'from-readme')
new File(module, 'src/main/java').mkdirs()
new File(module, 'pom.xml').setText("""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
<modelVersion>4.0.0</modelVersion>
<groupId>consumer</groupId>
<artifactId>from-readme</artifactId>
<version>1</version>
${xml}</project>
""", 'UTF-8')

def lines = java.split('\n', -1) as List
def imports = lines.takeWhile { it.startsWith('import ') || it.isBlank() }
def body = lines.drop(imports.size())
new File(module, 'src/main/java/TrainAClassifier.java').setText(imports.join('\n') + '\n'
        + 'public class TrainAClassifier {\npublic static void main(String[] args) throws Exception {\n'
        + body.join('\n') + '\n}\n}\n', 'UTF-8')
return true
