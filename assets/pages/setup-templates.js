// Starting configs for the Setup page's gallery: short, valid label configs, one per common job.

export const TEMPLATES = [
  {
    title: "Image boxes",
    description: "Draw labeled rectangles",
    config: `<View>
  <Image name="image" value="$image" zoom="true"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Cat" background="#e4572e"/>
    <Label value="Dog" background="#17bebb"/>
  </RectangleLabels>
</View>`,
  },
  {
    title: "Polygons",
    description: "Outline shapes point by point",
    config: `<View>
  <Image name="image" value="$image" zoom="true"/>
  <PolygonLabels name="label" toName="image" strokeWidth="2">
    <Label value="Road" background="#f4a259"/>
    <Label value="Building" background="#5b8e7d"/>
  </PolygonLabels>
</View>`,
  },
  {
    title: "Keypoints",
    description: "Mark points on an image",
    config: `<View>
  <Image name="image" value="$image" zoom="true"/>
  <KeyPointLabels name="point" toName="image" strokeWidth="2">
    <Label value="Eye" background="#ff4d6d"/>
    <Label value="Nose" background="#4361ee"/>
  </KeyPointLabels>
</View>`,
  },
  {
    title: "Text classification",
    description: "Pick one class per text",
    config: `<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single" showInline="true">
    <Choice value="Positive"/>
    <Choice value="Negative"/>
    <Choice value="Neutral"/>
  </Choices>
</View>`,
  },
  {
    title: "Named entities",
    description: "Label spans of text",
    config: `<View>
  <Labels name="label" toName="text">
    <Label value="Person" background="#e76f51"/>
    <Label value="Organization" background="#2a9d8f"/>
    <Label value="Location" background="#e9c46a"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>`,
  },
  {
    title: "Relations",
    description: "Entities and links between them",
    config: `<View>
  <Relations>
    <Relation value="works for"/>
    <Relation value="lives in"/>
  </Relations>
  <Labels name="label" toName="text">
    <Label value="Person" background="#e76f51"/>
    <Label value="Organization" background="#2a9d8f"/>
    <Label value="Location" background="#e9c46a"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>`,
  },
  {
    title: "Audio transcription",
    description: "Write what is said",
    config: `<View>
  <Audio name="audio" value="$audio"/>
  <TextArea name="transcription" toName="audio" rows="4" editable="true" maxSubmissions="1"/>
</View>`,
  },
  {
    title: "Audio segments",
    description: "Label stretches of sound",
    config: `<View>
  <Labels name="label" toName="audio">
    <Label value="Speech" background="#4361ee"/>
    <Label value="Music" background="#f72585"/>
    <Label value="Noise" background="#adb5bd"/>
  </Labels>
  <Audio name="audio" value="$audio"/>
</View>`,
  },
  {
    title: "Pairwise",
    description: "Choose the better of two",
    config: `<View>
  <Header value="Which answer is better?"/>
  <Pairwise name="comparison" toName="left,right"/>
  <Text name="left" value="$left"/>
  <Text name="right" value="$right"/>
</View>`,
  },
  {
    title: "HTML labeling",
    description: "Label spans of a web page",
    config: `<View>
  <Labels name="label" toName="html">
    <Label value="Title" background="#7209b7"/>
    <Label value="Person" background="#e76f51"/>
    <Label value="Company" background="#2a9d8f"/>
  </Labels>
  <HyperText name="html" value="$html"/>
</View>`,
  },
];
