"""Fixed names the generated data draws from: clusters, node pools, projects, images, topics."""

# cluster name -> node pools as (name, GPU model, GPUs per node, GPU memory GiB, nodes at 1,000 pods)
CLUSTER_BLUEPRINTS = (
    ('prod-us-east', (
        ('default', 'nvidia-t4', 4, 16, 6),
        ('a100', 'nvidia-a100-80gb', 8, 80, 8),
        ('h100', 'nvidia-h100-80gb', 8, 80, 14),
        ('cpu', '', 0, 0, 4),
    )),
    ('research-eu', (
        ('default', 'nvidia-a10g', 4, 24, 6),
        ('a100', 'nvidia-a100-40gb', 8, 40, 6),
        ('cpu', '', 0, 0, 3),
    )),
    ('edge-inference', (
        ('default', 'nvidia-t4', 4, 16, 4),
        ('l40s', 'nvidia-l40s', 4, 48, 6),
        ('cpu', '', 0, 0, 2),
    )),
)

# The one node pool where nothing goes wrong: no Pending, Failed or Unknown pod, deleted or not.
HEALTHY_POOL = ('prod-us-east', 'h100')

PROJECT_NAMES = ('team-nlp', 'team-vision', 'speech', 'recsys', 'research',
                 'platform', 'mlops', 'genai', 'robotics', 'forecasting')

TENANT_ID = 1001

TOPICS = {
    'training': ('bert-large', 'resnet50', 'yolo-v8', 't5-small', 'vit-base', 'dlrm', 'whisper-ft', 'sdxl-lora'),
    'distributed': ('llama3-ft', 'gpt-neox', 'mixtral-pt', 'megatron-345m', 'dlrm-dist'),
    'inference': ('llama3-8b', 'mistral-7b', 'embed-e5', 'whisper-asr', 'sdxl-turbo'),
    'workspace': ('jupyter', 'vscode', 'tensorboard', 'rstudio'),
}

QUEUE_PROXY_IMAGE = 'gcr.io/knative-releases/knative.dev/serving/cmd/queue:v1.15.2'

IMAGES = {
    'training': ('nvcr.io/nvidia/pytorch:24.05-py3', 'nvcr.io/nvidia/tensorflow:24.03-tf2-py3',
                 'nvcr.io/nvidia/nemo:24.07', 'runai.jfrog.io/demo/quickstart:latest'),
    'distributed': ('nvcr.io/nvidia/pytorch:24.05-py3', 'nvcr.io/nvidia/nemo:24.07', 'docker.io/horovod/horovod:0.28.1'),
    'inference': ('nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3', 'vllm/vllm-openai:v0.6.3',
                  'nvcr.io/nvidia/tritonserver:24.05-py3'),
    'workspace': ('jupyter/scipy-notebook:2024-05-27', 'gcr.io/run-ai-demo/jupyter-tensorboard:latest',
                  'codercom/code-server:4.91.1'),
}

PRIORITY_CLASSES = {'training': 'train', 'distributed': 'train', 'inference': 'inference', 'workspace': 'build'}

# Relative frequency of each kind among the workloads drawn at random.
KIND_WEIGHTS = (('training', 40), ('distributed', 15), ('inference', 20), ('workspace', 25))
