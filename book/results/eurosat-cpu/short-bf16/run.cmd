python -m hwlib train eurosat --bn --dropout 0.05 --epochs 3 --limit 2700 --precision bf16 --device cpu --num-threads 1
